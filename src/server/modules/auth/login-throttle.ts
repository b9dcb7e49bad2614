/**
 * Counts sign-in attempts per key (an address, an account) in a sliding window and refuses a key
 * that has had too many. An attempt counts from the moment it arrives, before its password is
 * checked: checking takes tens of milliseconds, and attempts sent in parallel must not all get
 * through while the first ones are still being checked. In memory, per node for now.
 */
export class LoginThrottle {
  private readonly attempts = new Map<string, number[]>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    // Keys nobody asks about again would stay for ever: drop those whose attempts all expired.
    this.sweeper = setInterval(() => {
      for (const key of this.attempts.keys()) this.recent(key);
    }, windowMs);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** Records an attempt; false (and nothing recorded) when the key has had too many. */
  async attempt(key: string): Promise<boolean> {
    const times = this.recent(key);
    if (times.length >= this.maxAttempts) return false;
    times.push(this.clock());
    this.attempts.set(key, times);
    return true;
  }

  /** The attempt succeeded: it, and with `all` every earlier one of the key, no longer count. */
  async succeeded(key: string, { all }: { all: boolean }): Promise<void> {
    if (all) {
      this.attempts.delete(key);
      return;
    }
    const times = this.recent(key);
    times.pop();
    if (times.length === 0) this.attempts.delete(key);
    else this.attempts.set(key, times);
  }

  private recent(key: string): number[] {
    const since = this.clock() - this.windowMs;
    const times = (this.attempts.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) this.attempts.delete(key);
    return times;
  }
}
