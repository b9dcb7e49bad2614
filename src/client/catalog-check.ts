/**
 * What a catalog of another language gets wrong against the English one: keys it lacks or English
 * lacks, a message whose `{placeholders}` differ, a plural message with the wrong number of ` | `
 * forms for its language (console/i18n/plural.ts). Used by the catalogs' completeness tests.
 */
export interface CatalogCheckOptions {
  /** How many forms a message may have when English has this many; omitted: no plurals. */
  formCounts?: (englishForms: number) => number[];
}

/** vue-i18n literals (`{'@'}`, `{'|'}`) are text, not placeholders or form separators. */
const withoutLiterals = (message: string): string => message.replace(/\{'[^']*'\}/g, '');

export function formsOf(message: string): string[] {
  return withoutLiterals(message).split('|');
}

export function placeholdersOf(message: string): string[] {
  const names = [...withoutLiterals(message).matchAll(/\{\s*([\w.]+)\s*\}/g)].map((m) => m[1]!);
  return [...new Set(names)].sort();
}

export function checkCatalog(
  english: unknown,
  other: unknown,
  options: CatalogCheckOptions = {},
  path = '',
): string[] {
  if (typeof english === 'string') {
    if (typeof other !== 'string') return [`${path}: missing`];
    return checkMessage(english, other, options, path);
  }
  if (!isObject(english)) return [];
  if (!isObject(other)) return [`${path || '(root)'}: missing`];
  const problems: string[] = [];
  for (const key of Object.keys(english)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in other)) problems.push(`${at}: missing`);
    else problems.push(...checkCatalog(english[key], other[key], options, at));
  }
  for (const key of Object.keys(other)) {
    if (!(key in english)) problems.push(`${path ? `${path}.${key}` : key}: not in English`);
  }
  return problems;
}

function checkMessage(
  english: string,
  other: string,
  options: CatalogCheckOptions,
  path: string,
): string[] {
  const problems: string[] = [];
  const want = placeholdersOf(english).join(', ');
  const got = placeholdersOf(other).join(', ');
  if (want !== got) problems.push(`${path}: placeholders {${got}}, English has {${want}}`);
  if (options.formCounts) {
    const allowed = options.formCounts(formsOf(english).length);
    const forms = formsOf(other).length;
    if (!allowed.includes(forms)) {
      problems.push(`${path}: ${forms} plural forms, expected ${allowed.join(' or ')}`);
    }
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
