import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { perMinute } from '../core/rate-limiter';
import { connectRedis, type RedisLink } from './redis-link';

/** The machine's Redis; each test has keys of its own. */
const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = pino({ level: 'silent' });
const links: RedisLink[] = [];

async function node(prefix: string, url = REDIS_URL): Promise<RedisLink> {
  const link = connectRedis(url, log, prefix);
  links.push(link);
  await link.ready(2000);
  return link;
}

afterEach(async () => {
  for (const link of links.splice(0)) {
    link.limiter.close();
    link.attempts.close();
    await link.close();
  }
});

describe('limits shared through Redis', () => {
  it('are one budget for every node', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = await Promise.all([node(prefix), node(prefix)]);
    const rate = perMinute(60); // a burst of 10
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).limiter.take('visitor:v1', rate)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    expect(Math.min(...waits.filter((w) => w > 0))).toBeGreaterThan(0);
  });

  it('count sign-in attempts for every node, and forget a success everywhere', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = await Promise.all([node(prefix), node(prefix)]);
    const rule = { max: 3, windowMs: 60_000 };
    const first = await a.attempts.attempt('account:x', rule);
    expect(await b.attempts.attempt('account:x', rule)).not.toBeNull();
    expect(await a.attempts.attempt('account:x', rule)).not.toBeNull();
    expect(await b.attempts.attempt('account:x', rule)).toBeNull();
    await b.attempts.forget('account:x', first!);
    expect(await a.attempts.attempt('account:x', rule)).not.toBeNull();
    await a.attempts.forget('account:x', 'all');
    expect(await b.attempts.attempt('account:x', rule)).not.toBeNull();
  });

  it('fall back to the node’s own counts when Redis cannot be reached', async () => {
    const lonely = await node(`test:${randomUUID()}:`, 'redis://127.0.0.1:1');
    expect(await lonely.limiter.take('visitor:v1', perMinute(60))).toBe(0);
    expect(await lonely.attempts.attempt('account:y', { max: 1, windowMs: 1000 })).not.toBeNull();
    expect(await lonely.attempts.attempt('account:y', { max: 1, windowMs: 1000 })).toBeNull();
  });
});
