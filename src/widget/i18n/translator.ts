/** Strings of one language, keyed like the English reference; a missing key falls back to English. */
export type Catalog<Key extends string> = Partial<Record<Key, string>>;

export type Translate<Key extends string> = (
  key: Key,
  params?: Record<string, string | number>,
) => string;

/**
 * Picks the first catalog that matches the visitor's preferred languages, by exact tag (`pt-br`)
 * or by primary language (`de-AT` → `de`), else English. Catalogs come from
 * `import.meta.glob('./locales/*.ts')`, keyed by path, so a language is one new file.
 * Kept terse: the loader on every customer page carries it.
 */
export function createTranslator<Key extends string>(
  catalogsByPath: Record<string, Catalog<Key>>,
  english: Record<Key, string>,
  preferred: readonly string[],
): { language: string; t: Translate<Key> } {
  const catalogs = new Map(
    Object.entries(catalogsByPath).map(([path, catalog]) => [
      path.slice(path.lastIndexOf('/') + 1, path.lastIndexOf('.')).toLowerCase(),
      catalog,
    ]),
  );
  const language =
    preferred
      .map((tag) => tag.toLowerCase())
      .flatMap((tag) => [tag, tag.split('-')[0] ?? tag])
      .find((tag) => catalogs.has(tag)) ?? 'en';
  const catalog: Catalog<Key> = catalogs.get(language) ?? {};
  const t: Translate<Key> = (key, params) =>
    (catalog[key] ?? english[key]).replace(/\{(\w+)\}/g, (placeholder, name: string) =>
      String(params?.[name] ?? placeholder),
    );
  return { language, t };
}

/** The visitor's languages, most preferred first. */
export function preferredLanguages(): readonly string[] {
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}
