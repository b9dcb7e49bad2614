import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingGate } from './typing-gate';

let gate: TypingGate;
let passed: boolean[];
const report = (typing: boolean) => gate.report('v1', typing, (t) => passed.push(t));

beforeEach(() => {
  vi.useFakeTimers();
  gate = new TypingGate(() => Date.now());
  passed = [];
});

afterEach(() => {
  gate.close();
  vi.useRealTimers();
});

describe('TypingGate', () => {
  it('passes the first report at once and a flood of toggles as at most two a second', () => {
    for (let i = 0; i < 400; i++) report(i % 2 === 0);
    expect(passed).toEqual([true]);
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 400; i++) report(i % 2 === 1);
    vi.advanceTimersByTime(1000);
    expect(passed.length).toBeLessThanOrEqual(4);
  });

  it('always leaves whoever watches with the last state reported', () => {
    report(true);
    vi.advanceTimersByTime(100);
    report(false);
    report(true);
    report(false);
    expect(passed).toEqual([true]);
    vi.advanceTimersByTime(400);
    expect(passed).toEqual([true, false]);
  });

  it('drops repeats of the same state, but lets "still typing" through every two seconds', () => {
    report(true);
    vi.advanceTimersByTime(1000);
    report(true);
    expect(passed).toEqual([true]);
    vi.advanceTimersByTime(1000);
    report(true);
    expect(passed).toEqual([true, true]);
  });

  it('drops a report that a later one overtook on its way (lookups finishing out of order)', () => {
    const [first, second] = [gate.ticket(), gate.ticket()];
    gate.report('v1', false, (t) => passed.push(t), second);
    gate.report('v1', true, (t) => passed.push(t), first);
    vi.advanceTimersByTime(1000);
    expect(passed).toEqual([false]);
  });

  it('keeps writers apart', () => {
    report(true);
    gate.report('v2', true, (t) => passed.push(t));
    expect(passed).toEqual([true, true]);
  });
});
