/**
 * The one picker of a UI language, for the widget and the console alike: which of Parley's
 * catalogs to show for a reader's preferred languages (`navigator.languages`, best first).
 * Kept terse: the loader on every customer page carries it.
 */

import { UI_LANGUAGES, type UiLanguage } from '../protocol/ui-languages';

export { UI_LANGUAGES, type UiLanguage };

/**
 * The catalog for one browser tag, or undefined when there is none: Chinese by script (`zh`,
 * `zh-CN`, `zh-SG` write Simplified; `zh-TW`, `zh-HK`, `zh-MO` Traditional; an explicit script
 * wins), any Portuguese the Brazilian catalog, else the exact tag, then its base language.
 * Case-insensitive; `_` is read as `-`.
 */
export function matchLocale(tag: string): UiLanguage | undefined {
  const parts = String(tag).toLowerCase().replace(/_/g, '-').split('-');
  const base = parts[0];
  if (base === 'zh') {
    const region = parts.some((part) => part === 'tw' || part === 'hk' || part === 'mo');
    return parts.includes('hant') || (region && !parts.includes('hans')) ? 'zh-Hant' : 'zh-Hans';
  }
  if (base === 'pt') return 'pt-BR';
  return UI_LANGUAGES.find((ui) => ui === base);
}

/** The first of the reader's languages that has a catalog; undefined when none has. */
export function pickLocale(preferred: readonly string[]): UiLanguage | undefined {
  for (const tag of preferred) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return undefined;
}

/** Right-to-left scripts, by base language: Arabic, Persian, Hebrew, Urdu. */
export function textDirection(tag: string): 'ltr' | 'rtl' {
  return /^(ar|fa|he|ur)(-|$)/i.test(tag) ? 'rtl' : 'ltr';
}
