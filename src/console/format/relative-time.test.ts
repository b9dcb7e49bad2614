import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from './relative-time';

const NOW = Date.parse('2025-06-10T12:00:00Z');
const ago = (seconds: number): number => NOW - seconds * 1000;

describe('formatRelativeTime', () => {
  it('says "now" under a minute, and for clocks running ahead', () => {
    expect(formatRelativeTime(ago(20), NOW, 'en')).toBe('now');
    expect(formatRelativeTime(ago(-30), NOW, 'en')).toBe('now');
  });

  it('picks the largest whole unit', () => {
    expect(formatRelativeTime(ago(5 * 60 + 40), NOW, 'en')).toBe('5 min. ago');
    expect(formatRelativeTime(ago(3 * 3600), NOW, 'en')).toBe('3 hr. ago');
    expect(formatRelativeTime(ago(86_400 + 60), NOW, 'en')).toBe('yesterday');
    expect(formatRelativeTime(ago(15 * 86_400), NOW, 'en')).toBe('2 wk. ago');
  });

  it('speaks the reader’s language', () => {
    expect(formatRelativeTime(ago(86_400), NOW, 'de')).toBe('gestern');
  });
});
