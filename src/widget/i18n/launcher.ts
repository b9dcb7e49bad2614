import { launcher as english } from './locales/en';
import { createTranslator, preferredLanguages, type Catalog } from './translator';

type LauncherKey = keyof typeof english;

const catalogs = import.meta.glob<Catalog<LauncherKey>>('./locales/*.ts', {
  eager: true,
  import: 'launcher',
});

/** The launcher's strings only, so the loader does not carry the chat catalog. */
export const { t } = createTranslator(catalogs, english, preferredLanguages());
