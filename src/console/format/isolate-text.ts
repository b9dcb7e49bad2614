/** Opening direction controls and the character that ends each. */
const CLOSER_OF: Record<string, string> = {
  '\u202A': '\u202C', // LEFT-TO-RIGHT EMBEDDING … POP DIRECTIONAL FORMATTING
  '\u202B': '\u202C', // RIGHT-TO-LEFT EMBEDDING
  '\u202D': '\u202C', // LEFT-TO-RIGHT OVERRIDE
  '\u202E': '\u202C', // RIGHT-TO-LEFT OVERRIDE
  '\u2066': '\u2069', // LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE
  '\u2067': '\u2069', // RIGHT-TO-LEFT ISOLATE
  '\u2068': '\u2069', // FIRST STRONG ISOLATE
};
const PDF = '\u202C';
const PDI = '\u2069';
const FSI = '\u2068';

/**
 * A person's text for use inside a sentence of ours (a preview like "Agent: {body}"): in a
 * first-strong isolate, so it takes the direction of its own first letter without turning the
 * sentence around, and with its direction controls balanced. An override it opens (U+202E) is
 * closed at its end, and a stray U+2069 or U+202C is dropped: it would end our isolate early,
 * or one the sentence opened, and let the rest of the text be reordered (browsers end a CSS
 * isolate at such a character too, so `<bdi>` alone does not hold it).
 */
export function isolateText(text: string): string {
  const awaited: string[] = [];
  let balanced = '';
  for (const char of text) {
    const closer = CLOSER_OF[char];
    if (closer) {
      awaited.push(closer);
    } else if (char === PDF) {
      if (awaited.at(-1) !== PDF) continue;
      awaited.pop();
    } else if (char === PDI) {
      // Ends the innermost isolate and every embedding opened inside it.
      const isolate = awaited.lastIndexOf(PDI);
      if (isolate === -1) continue;
      awaited.length = isolate;
    }
    balanced += char;
  }
  return `${FSI}${balanced}${awaited.reverse().join('')}${PDI}`;
}
