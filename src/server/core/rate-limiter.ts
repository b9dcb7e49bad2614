/**
 * Rate limits shared by everything that counts per visitor, address or site. A rule is a token
 * bucket: `burst` at once, refilled evenly at `per` over `windowMs`. The interface is async so
 * that several nodes can share the counts through Redis; this one keeps them in this process.
 */
export interface Rate {
  per: number;
  windowMs: number;
  burst: number;
}

/** Messages: `perMinute`, of which ten seconds' worth may come at once. */
export function perMinute(per: number): Rate {
  return { per, windowMs: 60_000, burst: Math.max(1, Math.ceil(per / 6)) };
}

/** `per` an hour, all of which may be used at once (the bucket refills over the hour). */
export function perHour(per: number): Rate {
  return { per, windowMs: 3_600_000, burst: per };
}

export interface RateLimiter {
  /** Takes one from `key`'s bucket. Resolves 0 when allowed, else the ms until one is free. */
  take(key: string, rate: Rate): Promise<number>;
  close(): void;
}

interface Bucket {
  tokens: number;
  at: number;
  rate: Rate;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly clock: () => number = Date.now) {
    // A full bucket is the same as none: forget those, so idle keys cost nothing.
    this.sweeper = setInterval(() => this.forgetFull(), 60_000);
    this.sweeper.unref();
  }

  take(key: string, rate: Rate): Promise<number> {
    const bucket = this.refill(key, rate);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return Promise.resolve(0);
    }
    return Promise.resolve(Math.ceil(((1 - bucket.tokens) * rate.windowMs) / rate.per));
  }

  close(): void {
    clearInterval(this.sweeper);
    this.buckets.clear();
  }

  private refill(key: string, rate: Rate): Bucket {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: now, rate };
    bucket.tokens = Math.min(
      rate.burst,
      bucket.tokens + ((now - bucket.at) * rate.per) / rate.windowMs,
    );
    bucket.at = now;
    bucket.rate = rate;
    this.buckets.set(key, bucket);
    return bucket;
  }

  private forgetFull(): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refill(key, bucket.rate).tokens >= bucket.rate.burst) this.buckets.delete(key);
    }
  }
}
