import { parseAllowedOrigin } from '../../../protocol/settings';

/** The allowed-origins text box, one origin a line: every origin, or the first line that is not one. */
export function parseOriginLines(
  text: string,
): { origins: string[] } | { error: { line: number; origin: string } } {
  const origins: string[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const origin = parseAllowedOrigin(line);
    if (!origin) return { error: { line: index + 1, origin: line } };
    if (!origins.includes(origin)) origins.push(origin);
  }
  return { origins };
}
