/**
 * Language tags as Parley stores them (messages.language, conversations.language): BCP 47, with
 * Chinese written by script (`zh-Hans`, `zh-Hant`) because that is what decides whether a reader
 * can read it, and other languages by their bare ISO 639-1 code (`es`, `pt`, `uk`, `id`, `ms`).
 */

/** Regions whose Chinese is written in Traditional characters. */
const TRADITIONAL_REGIONS = new Set(['TW', 'HK', 'MO']);

/** ISO 639-2/3 codes some detectors return, mapped to the ISO 639-1 code we store. */
const THREE_LETTER: Readonly<Record<string, string>> = {
  eng: 'en',
  spa: 'es',
  por: 'pt',
  fra: 'fr',
  fre: 'fr',
  deu: 'de',
  ger: 'de',
  ita: 'it',
  rus: 'ru',
  ukr: 'uk',
  cmn: 'zh',
  zho: 'zh',
  chi: 'zh',
  jpn: 'ja',
  kor: 'ko',
  arb: 'ar',
  ara: 'ar',
  tur: 'tr',
  ind: 'id',
  zsm: 'ms',
  msa: 'ms',
  may: 'ms',
  nld: 'nl',
  dut: 'nl',
  pol: 'pl',
  vie: 'vi',
  tha: 'th',
  hin: 'hi',
  heb: 'he',
  pes: 'fa',
  fas: 'fa',
  per: 'fa',
};

/** Deprecated or macro-language codes that name the same language as a current code. */
const ALIASES: Readonly<Record<string, string>> = { iw: 'he', in: 'id', ji: 'yi', zsm: 'ms' };

/**
 * The stored form of a language tag from a detector or a browser, or null when it is not a tag:
 * `zh`, `zh-CN`, `zh-SG`, `zh-Hans-*` → `zh-Hans`; `zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant-*` → `zh-Hant`;
 * any other tag → its primary language in lower case (`pt-BR` → `pt`, `ENG` → `en`).
 */
export function normalizeLanguage(tag: string | null | undefined): string | null {
  if (typeof tag !== 'string') return null;
  const parts = tag.trim().replace(/_/g, '-').split('-');
  const first = parts[0]!.toLowerCase();
  if (!/^[a-z]{2,3}$/.test(first)) return null;
  const primary = ALIASES[first] ?? THREE_LETTER[first] ?? first;
  if (primary !== 'zh') return primary;
  return isTraditionalChinese(parts.slice(1)) ? 'zh-Hant' : 'zh-Hans';
}

/** Chinese subtags after `zh`: the script wins over the region; no hint means Simplified. */
function isTraditionalChinese(subtags: string[]): boolean {
  const upper = subtags.map((s) => s.toUpperCase());
  if (upper.includes('HANT')) return true;
  if (upper.includes('HANS')) return false;
  return upper.some((s) => TRADITIONAL_REGIONS.has(s));
}

/** The primary language subtag (`pt-BR` → `pt`, `zh-Hant` → `zh`): what routing matches on. */
export function baseLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

/**
 * Whether a reader of `a` reads `b` without a translation: the same base language (`es` and
 * `es-MX`, `pt` and `pt-BR`), except that Simplified and Traditional Chinese differ. An unknown
 * tag (null, malformed) is the same as nothing: false.
 */
export function sameLanguage(a: string | null | undefined, b: string | null | undefined): boolean {
  const left = normalizeLanguage(a);
  const right = normalizeLanguage(b);
  return left !== null && left === right;
}
