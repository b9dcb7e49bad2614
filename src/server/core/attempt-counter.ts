/**
 * Counts attempts per key (sign-ins per account, per address) in a sliding window and refuses a
 * key that has had too many. An attempt counts from the moment it arrives, before it is checked:
 * checking a password takes tens of milliseconds, and attempts sent in parallel must not all get
 * through while the first ones are still being checked. Async, so several nodes can share the
 * counts through Redis; this one keeps them in this process.
 */
export interface AttemptRule {
  max: number;
  windowMs: number;
}

export interface AttemptCounter {
  /** Records an attempt and resolves its id; null (and nothing recorded) when the key has had `max`. */
  attempt(key: string, rule: AttemptRule): Promise<string | null>;
  /** Forgets one attempt (it succeeded) or, with 'all', every attempt of the key. */
  forget(key: string, attempt: string | 'all'): Promise<void>;
  close(): void;
}

interface Attempt {
  id: string;
  at: number;
}

export class MemoryAttemptCounter implements AttemptCounter {
  private readonly attempts = new Map<string, Attempt[]>();
  private readonly windows = new Map<string, number>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private lastId = 0;

  constructor(private readonly clock: () => number = Date.now) {
    // Keys nobody asks about again would stay for ever: drop those whose attempts all expired.
    this.sweeper = setInterval(() => {
      for (const key of this.attempts.keys()) this.recent(key);
    }, 60_000);
    this.sweeper.unref();
  }

  async attempt(key: string, rule: AttemptRule): Promise<string | null> {
    this.windows.set(key, rule.windowMs);
    const attempts = this.recent(key);
    if (attempts.length >= rule.max) return null;
    const id = String(++this.lastId);
    attempts.push({ id, at: this.clock() });
    this.attempts.set(key, attempts);
    return id;
  }

  async forget(key: string, attempt: string | 'all'): Promise<void> {
    const rest = attempt === 'all' ? [] : this.recent(key).filter((a) => a.id !== attempt);
    if (rest.length === 0) this.attempts.delete(key);
    else this.attempts.set(key, rest);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private recent(key: string): Attempt[] {
    const since = this.clock() - (this.windows.get(key) ?? 0);
    const attempts = (this.attempts.get(key) ?? []).filter((a) => a.at > since);
    if (attempts.length === 0) {
      this.attempts.delete(key);
      this.windows.delete(key);
    }
    return attempts;
  }
}
