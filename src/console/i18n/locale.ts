/**
 * The catalog to use for a reader's preferred languages (`navigator.languages`, best first):
 * the first preference with a catalog for its exact tag, its base language, or a sibling
 * (`pt-BR` takes `pt`, then `pt-PT`).
 */
export function pickLocale(
  preferred: readonly string[],
  available: readonly string[],
  fallback: string,
): string {
  for (const tag of preferred) {
    const wanted = tag.toLowerCase();
    const base = baseLanguage(wanted);
    const match =
      available.find((locale) => locale.toLowerCase() === wanted) ??
      available.find((locale) => locale.toLowerCase() === base) ??
      available.find((locale) => baseLanguage(locale.toLowerCase()) === base);
    if (match) return match;
  }
  return fallback;
}

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'ur']);

export function textDirection(locale: string): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(baseLanguage(locale.toLowerCase())) ? 'rtl' : 'ltr';
}

function baseLanguage(tag: string): string {
  return tag.split('-')[0] ?? tag;
}
