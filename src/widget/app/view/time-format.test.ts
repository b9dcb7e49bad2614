import { describe, expect, it } from 'vitest';
import { timeFormatter } from './time-format';

describe('timeFormatter', () => {
  const formatTime = timeFormatter('en');

  it('shows hour and minute', () => {
    const time = '2025-01-01T10:07:00.000Z';
    const expected = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' }).format(
      new Date(time),
    );
    expect(formatTime(time)).toBe(expected);
    expect(formatTime(time)).toMatch(/07/);
  });

  it.each(['', 'not a time', '2025-13-45T99:00:00Z', '+275760-09-13T00:00:00.001Z'])(
    'shows nothing for %j, which is not a valid date, instead of throwing',
    (time) => {
      expect(() => formatTime(time)).not.toThrow();
      expect(formatTime(time)).toBe('');
    },
  );

  it('goes on formatting valid times after an invalid one', () => {
    expect(formatTime('garbage')).toBe('');
    expect(formatTime('2025-01-01T10:07:00.000Z')).not.toBe('');
  });
});
