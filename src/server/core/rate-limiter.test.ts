import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter, perHour, perMinute } from './rate-limiter';

describe('MemoryRateLimiter', () => {
  it('allows a burst of ten seconds’ worth, then one more as each refills', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    const rate = perMinute(60);
    for (let i = 0; i < 10; i++) expect(await limiter.take('v', rate)).toBe(0);
    expect(await limiter.take('v', rate)).toBe(1000);
    now = 500;
    expect(await limiter.take('v', rate)).toBe(500);
    now = 1000;
    expect(await limiter.take('v', rate)).toBe(0);
    expect(await limiter.take('other', rate)).toBe(0);
    limiter.close();
  });

  it('lets an hourly allowance be used at once, and refills it over the hour', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    const rate = perHour(4);
    for (let i = 0; i < 4; i++) expect(await limiter.take('a', rate)).toBe(0);
    expect(await limiter.take('a', rate)).toBe(15 * 60 * 1000);
    now = 15 * 60 * 1000;
    expect(await limiter.take('a', rate)).toBe(0);
    limiter.close();
  });
});
