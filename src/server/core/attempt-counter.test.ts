import { describe, expect, it } from 'vitest';
import { MemoryAttemptCounter } from './attempt-counter';

const rule = { max: 3, windowMs: 1000 };

describe('MemoryAttemptCounter', () => {
  it('refuses a key after the limit and forgets attempts outside the window', async () => {
    let t = 0;
    const counter = new MemoryAttemptCounter(() => t);
    for (let i = 0; i < 3; i++) expect(await counter.attempt('ip', rule)).not.toBeNull();
    expect(await counter.attempt('ip', rule)).toBeNull();
    expect(await counter.attempt('other', rule)).not.toBeNull();
    t = 1001;
    expect(await counter.attempt('ip', rule)).not.toBeNull();
    counter.close();
  });

  it('forgets one successful attempt, or with all every one of the key', async () => {
    const counter = new MemoryAttemptCounter(() => 0);
    const two = { max: 2, windowMs: 1000 };
    await counter.attempt('ip', two);
    const second = await counter.attempt('ip', two);
    await counter.forget('ip', second!);
    expect(await counter.attempt('ip', two)).not.toBeNull();
    expect(await counter.attempt('ip', two)).toBeNull();
    await counter.forget('ip', 'all');
    expect(await counter.attempt('ip', two)).not.toBeNull();
    counter.close();
  });
});
