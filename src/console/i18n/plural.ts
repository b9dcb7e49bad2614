/**
 * Which of a message's ` | ` forms to show for a count, per language: the catalogs' convention.
 * English writes `one | other`, or `zero | one | other`. Every other language writes the CLDR
 * categories it has, in the order zero, one, two, few, many, other (Japanese: `other` alone;
 * Russian: `one | few | many | other`); where English has an explicit zero, an explicit zero
 * text comes first, then those forms. Arabic, whose CLDR forms include `zero`, may give its six
 * forms alone.
 */
const CANONICAL_ORDER: readonly Intl.LDMLPluralRule[] = [
  'zero',
  'one',
  'two',
  'few',
  'many',
  'other',
];

/** The CLDR plural categories of a language, in the order its catalog writes their forms. */
export function pluralCategories(locale: string): Intl.LDMLPluralRule[] {
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  return CANONICAL_ORDER.filter((category) => categories.includes(category));
}

export type PluralRule = (choice: number, choicesLength: number) => number;

/** The rule for vue-i18n's `pluralRules` option, for one language other than English. */
export function pluralRule(locale: string): PluralRule {
  const rules = new Intl.PluralRules(locale);
  const categories = pluralCategories(locale);
  return (choice, choicesLength) => {
    const count = Math.abs(choice);
    const explicitZero = choicesLength === categories.length + 1;
    if (explicitZero && count === 0) return 0;
    const index = categories.indexOf(rules.select(count));
    // A message written with another number of forms: the last one (`other`) is the safest.
    if (index === -1 || (!explicitZero && choicesLength !== categories.length)) {
      return choicesLength - 1;
    }
    return index + (explicitZero ? 1 : 0);
  };
}

/**
 * How many forms a message may have in `locale` when English has `englishForms`: the CLDR forms,
 * with an explicit zero first when English has one (a language whose CLDR forms include `zero`,
 * Arabic, may leave it out).
 */
export function allowedFormCounts(locale: string, englishForms: number): number[] {
  if (locale === 'en' || englishForms === 1) return [englishForms];
  const categories = pluralCategories(locale);
  if (englishForms !== 3) return [categories.length];
  return categories.includes('zero')
    ? [categories.length + 1, categories.length]
    : [categories.length + 1];
}
