import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingReporter } from './typing-reporter';

describe('TypingReporter', () => {
  let reports: boolean[];
  let reporter: TypingReporter;

  beforeEach(() => {
    vi.useFakeTimers();
    reports = [];
    reporter = new TypingReporter((typing) => reports.push(typing), {
      throttleMs: 2000,
      idleMs: 3000,
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports typing at once, then at most every throttle interval', () => {
    reporter.input();
    vi.advanceTimersByTime(500);
    reporter.input();
    vi.advanceTimersByTime(1000);
    reporter.input();
    expect(reports).toEqual([true]);

    vi.advanceTimersByTime(600);
    reporter.input();
    expect(reports).toEqual([true, true]);
  });

  it('reports a stop once after the idle time', () => {
    reporter.input();
    vi.advanceTimersByTime(2999);
    expect(reports).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(reports).toEqual([true, false]);
    vi.advanceTimersByTime(10_000);
    expect(reports).toEqual([true, false]);
  });

  it('reports a stop right away on send, and nothing when not typing', () => {
    reporter.stop();
    expect(reports).toEqual([]);
    reporter.input();
    reporter.stop();
    vi.advanceTimersByTime(10_000);
    expect(reports).toEqual([true, false]);
  });

  it('reports typing again at once after a stop', () => {
    reporter.input();
    reporter.stop();
    reporter.input();
    expect(reports).toEqual([true, false, true]);
  });
});
