import { launcher as english } from './locales/en';
import { createTranslator, type Catalog } from './translator';

type LauncherKey = keyof typeof english;

let catalog: Catalog<LauncherKey> = {};

/**
 * The launcher's strings. The loader carries English only: the visitor's language comes with the
 * embed check's reply (`launcher`), from the server, so no page pays for 12 languages.
 */
export const t = createTranslator(english, () => catalog);

/** Takes the launcher's strings in the widget's language, as the server sent them. */
export function setLauncherTexts(texts: unknown): void {
  catalog = typeof texts === 'object' && texts !== null ? (texts as Catalog<LauncherKey>) : {};
}
