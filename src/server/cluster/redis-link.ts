/**
 * What several nodes share through Redis: the Socket.IO adapter (events reach every node's
 * sockets), rate limits and sign-in attempts. Redis never holds the only copy of anything —
 * messages and events are committed to the database first and clients catch up from their seq —
 * so an outage must never stop a message from being accepted: the limits then fall back to each
 * node's own counts until Redis answers again, broadcasts reach this node's sockets only, and
 * once Redis is back the sockets that may have missed one reconnect and catch up (see
 * local-first-adapter.ts).
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { localFirst } from './local-first-adapter';
import {
  MemoryAttemptCounter,
  type AttemptCounter,
  type AttemptRule,
} from '../core/attempt-counter';
import { MemoryRateLimiter, type Rate, type RateLimiter } from '../core/rate-limiter';

/** A limit check waits this long for Redis before the node decides alone. */
const COMMAND_TIMEOUT_MS = 250;
const KEY_PREFIX = 'parley:';

export interface RedisLink {
  /** For `io.adapter(…)`: broadcasts and room operations reach the sockets of every node. */
  adapter: ReturnType<typeof createAdapter>;
  limiter: RateLimiter;
  attempts: AttemptCounter;
  /** Resolves once both connections are up, or after `timeoutMs` (then the node starts alone). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * `prefix` namespaces every key and the adapter's stream, so installations (or test runs) can
 * share one Redis.
 */
export function connectRedis(url: string, log: FastifyBaseLogger, prefix = KEY_PREFIX): RedisLink {
  // Broadcasts (and the adapter's stream readers, which duplicate this client): a command sent as
  // Redis goes away waits for it to come back rather than fail; new broadcasts skip it meanwhile.
  const broadcast = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
  // Limits: an answer now or none, so a request never waits on an outage.
  const counters = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    keyPrefix: prefix,
  });
  const outage = outageLog(log);
  for (const client of [broadcast, counters]) {
    client.on('error', (error: Error) => outage.down(error));
    client.on('ready', () => outage.up());
  }
  const streams = createAdapter(broadcast, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
  });
  const link = {
    isUp: () => broadcast.status === 'ready',
    onRecovered: (listener: () => void) => broadcast.on('ready', listener),
  };
  return {
    adapter: localFirst(streams, link, (mend) =>
      log.warn(
        mend,
        'Redis is back: sockets that may have missed broadcasts reconnect and catch up by seq',
      ),
    ),
    limiter: new RedisRateLimiter(counters, outage.fallback),
    attempts: new RedisAttemptCounter(counters, outage.fallback),
    ready: (timeoutMs) => readyWithin([broadcast, counters], timeoutMs),
    close: async () => {
      broadcast.disconnect();
      counters.disconnect();
    },
  };
}

function readyWithin(clients: Redis[], timeoutMs: number): Promise<boolean> {
  const ready = (client: Redis) =>
    client.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return Promise.race([
    Promise.all(clients.map(ready)).then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
  ]);
}

/** Logs an outage once when it starts and once when it ends, not for every failed command. */
function outageLog(log: FastifyBaseLogger) {
  let down = false;
  return {
    down(error: Error) {
      if (down) return;
      down = true;
      log.error({ err: error }, 'Redis is unreachable: limits are per node until it is back');
    },
    up() {
      if (!down) return;
      down = false;
      log.info('Redis is back: limits are shared again');
    },
    fallback: (error: unknown) => {
      if (!down) log.warn({ err: error }, 'a Redis limit check failed; this node decided alone');
    },
  };
}

// A token bucket, as core/rate-limiter.ts: `burst` at once, `per` over `window_ms`. Redis's own
// clock, so that nodes whose clocks differ share one notion of "now".
const TAKE = `
local per, window, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * per / window)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * window / per) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * window / per) + 1000)
return wait`;

class RedisRateLimiter implements RateLimiter {
  private readonly local = new MemoryRateLimiter();

  constructor(
    private readonly redis: Redis,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  async take(key: string, rate: Rate): Promise<number> {
    // Not connected (yet, or any more): decide alone at once rather than wait for a timeout.
    if (this.redis.status !== 'ready') return this.local.take(key, rate);
    try {
      const wait = await this.redis.eval(
        TAKE,
        1,
        `rate:${key}`,
        rate.per,
        rate.windowMs,
        rate.burst,
      );
      return Number(wait);
    } catch (error) {
      this.onFailure(error);
      return this.local.take(key, rate);
    }
  }

  close(): void {
    this.local.close();
  }
}

// A sliding window of attempt ids scored by time.
const ATTEMPT = `
local max, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= max then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 1`;

class RedisAttemptCounter implements AttemptCounter {
  private readonly local = new MemoryAttemptCounter();
  private lastId = 0;

  constructor(
    private readonly redis: Redis,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  async attempt(key: string, rule: AttemptRule): Promise<string | null> {
    if (this.redis.status !== 'ready') return this.local.attempt(key, rule);
    const id = `${process.pid}-${Date.now()}-${++this.lastId}`;
    try {
      const allowed = await this.redis.eval(
        ATTEMPT,
        1,
        `attempts:${key}`,
        rule.max,
        rule.windowMs,
        id,
      );
      return Number(allowed) === 1 ? id : null;
    } catch (error) {
      this.onFailure(error);
      return this.local.attempt(key, rule);
    }
  }

  async forget(key: string, attempt: string | 'all'): Promise<void> {
    await this.local.forget(key, attempt);
    if (this.redis.status !== 'ready') return;
    try {
      if (attempt === 'all') await this.redis.del(`attempts:${key}`);
      else await this.redis.zrem(`attempts:${key}`, attempt);
    } catch (error) {
      this.onFailure(error);
    }
  }

  close(): void {
    this.local.close();
  }
}
