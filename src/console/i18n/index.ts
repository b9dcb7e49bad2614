import { createI18n } from 'vue-i18n';
import en, { type MessageSchema } from './en';
import { pickLocale, textDirection } from './locale';

const FALLBACK_LOCALE = 'en';

/**
 * Every other catalog is a file named by its language tag (`de.ts`, `pt-BR.ts`) beside `en.ts`,
 * loaded only when the browser asks for that language. Adding a language is adding that file.
 */
const catalogLoaders = Object.fromEntries(
  Object.entries(
    import.meta.glob<MessageSchema>(['./??.ts', './??-*.ts', '!./en.ts'], { import: 'default' }),
  ).map(([path, load]) => [path.slice(2, -3), load]),
);

export const i18n = createI18n<[MessageSchema], string, false>({
  legacy: false,
  locale: FALLBACK_LOCALE,
  fallbackLocale: FALLBACK_LOCALE,
  messages: { [FALLBACK_LOCALE]: en },
});

/** Switches to the best catalog for the browser's languages; English stays the fallback. */
export async function applyBrowserLocale(): Promise<void> {
  const available = [FALLBACK_LOCALE, ...Object.keys(catalogLoaders)];
  const locale = pickLocale(navigator.languages, available, FALLBACK_LOCALE);
  const load = catalogLoaders[locale];
  if (load) i18n.global.setLocaleMessage(locale, await load());
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  document.documentElement.dir = textDirection(locale);
}
