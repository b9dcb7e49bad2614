/** A colleague who can be named in a note. */
export interface Colleague {
  id: string;
  name: string;
}

/**
 * The colleagues a private note names with `@`: by full name, or by first name when no other
 * colleague has the same one; any case, and only as a whole word (`@ana` is not `@anabel`).
 */
export function findMentions(body: string, colleagues: readonly Colleague[]): string[] {
  if (!body.includes('@')) return [];
  const text = body.toLocaleLowerCase();
  const firstNames = new Map<string, number>();
  for (const c of colleagues) {
    const first = firstNameOf(c.name);
    firstNames.set(first, (firstNames.get(first) ?? 0) + 1);
  }
  return colleagues
    .filter((c) => {
      const full = c.name.trim().toLocaleLowerCase();
      const first = firstNameOf(c.name);
      return (
        (full !== '' && mentions(text, full)) ||
        (first !== '' && firstNames.get(first) === 1 && mentions(text, first))
      );
    })
    .map((c) => c.id);
}

function firstNameOf(name: string): string {
  return name.trim().split(/\s+/)[0]?.toLocaleLowerCase() ?? '';
}

/** `@name` in `text`, not followed by more of a word. */
function mentions(text: string, name: string): boolean {
  const needle = `@${name}`;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const next = text.charAt(at + needle.length);
    if (!/[\p{L}\p{N}_]/u.test(next)) return true;
  }
  return false;
}
