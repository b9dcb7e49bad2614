const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

const formats = new Map<string, Intl.RelativeTimeFormat>();

/**
 * "now", "5 min. ago", "yesterday", in the reader's language. Times ahead of `now` (another
 * machine's clock running fast) read as "now" rather than "in 3 seconds".
 */
export function formatRelativeTime(at: number, now: number, locale: string): string {
  const format = formatFor(locale);
  const secondsAgo = Math.max(0, Math.round((now - at) / 1000));
  for (const [unit, size] of UNITS) {
    if (secondsAgo >= size) return format.format(-Math.floor(secondsAgo / size), unit);
  }
  return format.format(0, 'second');
}

function formatFor(locale: string): Intl.RelativeTimeFormat {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    formats.set(locale, format);
  }
  return format;
}
