/**
 * The languages Parley's screens (console and widget) are written in: one catalog file each,
 * named by its tag. Browser tags map to them in src/client/locale-match.ts.
 */
export const UI_LANGUAGES = [
  'en',
  'zh-Hans',
  'zh-Hant',
  'es',
  'pt-BR',
  'fr',
  'de',
  'ru',
  'ar',
  'ja',
  'ko',
  'tr',
] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

export const isUiLanguage = (tag: unknown): tag is UiLanguage =>
  (UI_LANGUAGES as readonly unknown[]).includes(tag);
