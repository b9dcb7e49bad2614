import { createHash } from 'node:crypto';

/** A glossary term: never translated (`translation` null), or always translated as `translation`. */
export interface GlossaryEntry {
  term: string;
  translation: string | null;
}

/** A text with its glossary terms swapped for numbered placeholders the provider leaves alone. */
export interface ProtectedText {
  text: string;
  /** What each placeholder `{{i}}` becomes again after translation. */
  restore: string[];
}

/** Scripts written without spaces: a term in them matches inside a longer run of letters. */
const NO_SPACES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const WORD = /[\p{L}\p{N}_]/u;

export const placeholder = (index: number) => `{{${index}}}`;

/**
 * A short, stable name of the glossary's content: part of every cache key, so that changing the
 * glossary never serves a translation made with the old one.
 */
export function glossaryVersion(entries: readonly GlossaryEntry[]): string {
  const lines = entries.map((e) => `${e.term}\u0000${e.translation ?? ''}`).sort();
  return createHash('sha256').update(lines.join('\u0001')).digest('hex').slice(0, 16);
}

/**
 * Replaces each glossary term found in `text` by a placeholder. Terms match as plain text,
 * case-insensitively, on word boundaries (inside words too for scripts without spaces), longest
 * term first, never overlapping: a term is data, never a pattern. A text that already holds
 * `{{` is left as it is (its own braces would be taken for placeholders).
 */
export function protectTerms(text: string, entries: readonly GlossaryEntry[]): ProtectedText {
  if (entries.length === 0 || text.includes('{{')) return { text, restore: [] };
  const lower = text.toLowerCase();
  // Lower-casing changed the length (a rare letter): match case-sensitively instead.
  const haystack = lower.length === text.length ? lower : text;
  const foldCase = haystack === lower;
  const taken: { start: number; end: number; entry: GlossaryEntry }[] = [];
  const byLength = [...entries].sort((a, b) => b.term.length - a.term.length);
  for (const entry of byLength) {
    const needle = foldCase ? entry.term.toLowerCase() : entry.term;
    if (needle.length === 0 || needle.length !== entry.term.length) continue;
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
      const end = at + needle.length;
      if (!onBoundary(text, at, end)) continue;
      if (taken.some((t) => at < t.end && end > t.start)) continue;
      taken.push({ start: at, end, entry });
    }
  }
  if (taken.length === 0) return { text, restore: [] };
  taken.sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  const restore: string[] = [];
  for (const t of taken) {
    out += text.slice(last, t.start) + placeholder(restore.length);
    // Never translated: the words as the writer wrote them; else the glossary's translation.
    restore.push(t.entry.translation ?? text.slice(t.start, t.end));
    last = t.end;
  }
  return { text: out + text.slice(last), restore };
}

function onBoundary(text: string, start: number, end: number): boolean {
  const edge = (inside: string | undefined, outside: string | undefined) =>
    inside === undefined ||
    outside === undefined ||
    NO_SPACES.test(inside) ||
    !WORD.test(inside) ||
    !WORD.test(outside);
  return edge(text[start], text[start - 1]) && edge(text[end - 1], text[end]);
}

/**
 * Puts the glossary back into a translation: each placeholder must be there exactly once (a
 * provider may add spaces inside the braces); null when one is missing or repeated — the
 * provider did not keep them, which is a bad answer.
 */
export function restoreTerms(translated: string, restore: readonly string[]): string | null {
  if (restore.length === 0) return translated;
  const seen = new Array<number>(restore.length).fill(0);
  let unknown = false;
  const out = translated.replace(/\{\{\s*(\d{1,3})\s*\}\}/g, (_match, digits: string) => {
    const index = Number(digits);
    if (index >= restore.length) {
      unknown = true;
      return '';
    }
    seen[index]! += 1;
    return restore[index]!;
  });
  if (unknown || seen.some((count) => count !== 1)) return null;
  return out;
}
