import { textDirection } from '../../client/locale-match';
import type { UiLanguage } from '../../protocol/ui-languages';
import { chat as english } from './locales/en';
import { createTranslator, type Catalog } from './translator';

export type ChatKey = keyof typeof english;

/** One chunk per language, loaded only for the language the chat shows. */
const loaders = import.meta.glob<Catalog<ChatKey>>(['./locales/*.ts', '!./locales/en.ts'], {
  import: 'chat',
});

let catalog: Catalog<ChatKey> = {};
let current: UiLanguage = 'en';

/** The chat frame's strings, in the language `useLanguage` loaded (English until then). */
export const t = createTranslator(english, () => catalog);

/** The language the chat shows (for `<html lang>`, dates and numbers). */
export const language = (): UiLanguage => current;

/**
 * Loads a language's catalog and makes it the chat's, with `lang` and `dir` on <html>. A language
 * without a catalog (or one that fails to load) shows English.
 */
export async function useLanguage(tag: UiLanguage): Promise<void> {
  const load = loaders[`./locales/${tag}.ts`];
  const loaded = load ? await load().catch(() => undefined) : undefined;
  catalog = loaded ?? {};
  current = loaded ? tag : 'en';
  document.documentElement.lang = current;
  document.documentElement.dir = textDirection(current);
}
