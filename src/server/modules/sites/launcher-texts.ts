/**
 * The launcher's strings in each UI language, for the loader: it carries English only and takes
 * the visitor's language from the embed check's reply, so 12 languages cost the page no bytes.
 * Read from the widget's own catalogs (src/widget/i18n/locales), English filling what one lacks.
 */
import { pickLocale } from '../../../client/locale-match';
import { isUiLanguage, UI_LANGUAGES, type UiLanguage } from '../../../protocol/ui-languages';
import { launcher as english } from '../../../widget/i18n/locales/en';

export type LauncherTexts = Record<keyof typeof english, string>;

let loaded: Promise<Map<UiLanguage, LauncherTexts>> | undefined;

async function loadAll(): Promise<Map<UiLanguage, LauncherTexts>> {
  const all = new Map<UiLanguage, LauncherTexts>();
  for (const tag of UI_LANGUAGES) {
    try {
      const module = (await import(`../../../widget/i18n/locales/${tag}.ts`)) as {
        launcher?: Partial<LauncherTexts>;
      };
      all.set(tag, { ...english, ...module.launcher });
    } catch {
      // A language without its catalog yet shows English.
      all.set(tag, english);
    }
  }
  return all;
}

/** The launcher's strings in `language` (a UI language), English for one it does not have. */
export async function launcherTexts(language: UiLanguage): Promise<LauncherTexts> {
  loaded ??= loadAll();
  return (await loaded).get(language) ?? english;
}

/**
 * The widget's language: the first of the page's and visitor's preferences (`Parley.setLanguage`
 * first, then the browser's, comma separated) that has a catalog, else the site's default.
 */
export function widgetLanguage(preferred: string | undefined, siteDefault: string): UiLanguage {
  const tags = (preferred ?? '').split(',').slice(0, 10);
  return pickLocale(tags) ?? (isUiLanguage(siteDefault) ? siteDefault : 'en');
}
