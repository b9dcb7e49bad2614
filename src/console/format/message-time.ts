interface Formats {
  time: Intl.DateTimeFormat;
  dateTime: Intl.DateTimeFormat;
  full: Intl.DateTimeFormat;
}

const formats = new Map<string, Formats>();

/** The time of day for today's messages, date and time for older ones. */
export function formatMessageTime(at: Date, now: Date, locale: string): string {
  const { time, dateTime } = formatsFor(locale);
  return at.toDateString() === now.toDateString() ? time.format(at) : dateTime.format(at);
}

/** The full date and time, for a tooltip. */
export function formatFullDateTime(at: Date, locale: string): string {
  return formatsFor(locale).full.format(at);
}

function formatsFor(locale: string): Formats {
  let entry = formats.get(locale);
  if (!entry) {
    entry = {
      time: new Intl.DateTimeFormat(locale, { timeStyle: 'short' }),
      dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
      full: new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }),
    };
    formats.set(locale, entry);
  }
  return entry;
}
