/**
 * A store for @fastify/rate-limit on Parley's RateLimiter. With PARLEY_REDIS_URL that limiter
 * counts in Redis (and on the node alone while Redis is away), so a route's limit is one budget
 * for the whole cluster rather than one per node; without it, the node counts in memory.
 *
 * The limiter is a token bucket: `max` at once, refilled at `max` per `timeWindow`. It says only
 * whether a request may pass and, if not, how long to wait, so the remaining count the plugin
 * puts in its headers is approximate.
 */
import type { RateLimiter } from '../core/rate-limiter';

/** What the plugin passes to `child` at run time (its types say route options; it is these). */
interface StoreParams {
  routeInfo?: { method?: string | string[]; url?: string };
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function sharedRateLimitStore(limiter: RateLimiter) {
  return class SharedRateLimitStore {
    private readonly route: string;

    constructor(params: object = {}) {
      const { method, url } = (params as StoreParams).routeInfo ?? {};
      this.route = url ? `${String(method)} ${url}` : 'global';
    }

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      limiter
        .take(`http:${this.route}:${key}`, { per: max, windowMs: timeWindow, burst: max })
        .then(
          (waitMs) =>
            callback(
              null,
              waitMs === 0 ? { current: 1, ttl: timeWindow } : { current: max + 1, ttl: waitMs },
            ),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    }

    child(params: object): SharedRateLimitStore {
      return new SharedRateLimitStore(params);
    }
  };
}
