/** Strings of one language, keyed like the English reference; a missing key falls back to English. */
export type Catalog<Key extends string> = Partial<Record<Key, string>>;

export type Translate<Key extends string> = (
  key: Key,
  params?: Record<string, string | number>,
) => string;

/**
 * `t` over the current catalog (read on every call, so a language loaded later takes effect),
 * English for a key it lacks; `{name}` placeholders are filled, one without a value stays visible.
 * Kept terse: the loader on every customer page carries it.
 */
export function createTranslator<Key extends string>(
  english: Record<Key, string>,
  current: () => Catalog<Key>,
): Translate<Key> {
  return (key, params) =>
    (current()[key] ?? english[key]).replace(/\{(\w+)\}/g, (placeholder, name: string) =>
      String(params?.[name] ?? placeholder),
    );
}

/** The visitor's languages, most preferred first. */
export function preferredLanguages(): readonly string[] {
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}
