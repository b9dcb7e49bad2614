/**
 * A message's time of day, as hour and minute in the chat's language. A time that is not a valid
 * date shows as nothing: `Intl.DateTimeFormat#format` would throw on it and stop the whole render.
 */
export function timeFormatter(language: string): (isoTime: string) => string {
  const format = new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit' });
  return (isoTime) => {
    const date = new Date(isoTime);
    return Number.isNaN(date.getTime()) ? '' : format.format(date);
  };
}
