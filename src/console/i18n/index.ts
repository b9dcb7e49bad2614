import { createI18n } from 'vue-i18n';
import { pickLocale, textDirection, UI_LANGUAGES } from '../../client/locale-match';
import en, { type MessageSchema } from './en';
import { pluralRule, type PluralRule } from './plural';

const FALLBACK_LOCALE = 'en';

/**
 * Every other catalog is a file named by its language tag (`de.ts`, `pt-BR.ts`) beside `en.ts`,
 * loaded only when the reader wants that language.
 */
const catalogLoaders = Object.fromEntries(
  Object.entries(
    import.meta.glob<MessageSchema>(['./??.ts', './??-*.ts', '!./en.ts'], { import: 'default' }),
  ).map(([path, load]) => [path.slice(2, -3), load]),
);

/** English plurals are vue-i18n's own; every other language's forms follow CLDR (plural.ts). */
const pluralRules: Record<string, PluralRule> = Object.fromEntries(
  UI_LANGUAGES.filter((tag) => tag !== FALLBACK_LOCALE).map((tag) => [tag, pluralRule(tag)]),
);

export const i18n = createI18n<[MessageSchema], string, false>({
  legacy: false,
  locale: FALLBACK_LOCALE,
  fallbackLocale: FALLBACK_LOCALE,
  messages: { [FALLBACK_LOCALE]: en },
  pluralRules,
});

/** The catalog for the agent's chosen language (Profile), else the browser's, else English. */
export function consoleLocale(chosen: string | null | undefined): string {
  return pickLocale(chosen ? [chosen] : navigator.languages) ?? FALLBACK_LOCALE;
}

let applying = Promise.resolve();

/**
 * Switches the console to `chosen` (the agent's Profile language; null or undefined: the
 * browser's), loading its catalog first; `lang` and `dir` on <html> follow. Calls run in order,
 * so the last choice wins.
 */
export function applyLocale(chosen?: string | null): Promise<void> {
  applying = applying
    .catch(() => undefined)
    .then(async () => {
      const locale = consoleLocale(chosen);
      const load = catalogLoaders[locale];
      if (load && !i18n.global.availableLocales.includes(locale)) {
        i18n.global.setLocaleMessage(locale, await load());
      }
      i18n.global.locale.value = load || locale === FALLBACK_LOCALE ? locale : FALLBACK_LOCALE;
      document.documentElement.lang = i18n.global.locale.value;
      document.documentElement.dir = textDirection(i18n.global.locale.value);
    });
  return applying;
}
