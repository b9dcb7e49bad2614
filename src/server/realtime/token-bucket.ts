/** A token bucket: `burst` events at once, refilled at `perSecond`. One per socket. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: { perSecond: number; burst: number },
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = rate.burst;
    this.last = clock();
  }

  take(): boolean {
    const t = this.clock();
    this.tokens = Math.min(
      this.rate.burst,
      this.tokens + ((t - this.last) / 1000) * this.rate.perSecond,
    );
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
