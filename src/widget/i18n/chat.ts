import { chat as english } from './locales/en';
import { createTranslator, preferredLanguages, type Catalog } from './translator';

export type ChatKey = keyof typeof english;

const catalogs = import.meta.glob<Catalog<ChatKey>>('./locales/*.ts', {
  eager: true,
  import: 'chat',
});

/** The chat frame's strings, and the language they are in (for `<html lang>` and dates). */
export const { t, language } = createTranslator(catalogs, english, preferredLanguages());
