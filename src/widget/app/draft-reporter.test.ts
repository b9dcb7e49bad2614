import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DraftReporter } from './draft-reporter';

describe('DraftReporter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends nothing while the sneak peek is off', () => {
    const sent: string[] = [];
    const drafts = new DraftReporter((text) => sent.push(text), 500);
    drafts.input('hello');
    drafts.clear();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });

  it('sends the first text at once, then the latest once per interval, and an empty one when cleared', () => {
    const sent: string[] = [];
    const drafts = new DraftReporter((text) => sent.push(text), 500);
    drafts.setEnabled(true);
    drafts.input('h');
    drafts.input('he');
    drafts.input('hel');
    expect(sent).toEqual(['h']);
    vi.advanceTimersByTime(500);
    expect(sent).toEqual(['h', 'hel']);
    drafts.clear();
    vi.advanceTimersByTime(500);
    expect(sent).toEqual(['h', 'hel', '']);
  });
});
