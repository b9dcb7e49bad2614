/**
 * Which language a chat message is written in, offline and in about a tenth of a millisecond.
 *
 * The statistics are eld's (Efficient Language Detector, `eld/small`). On our fixture of 224
 * short visitor messages in 16 languages (detect-fixture.ts), counting the base language only and
 * before the rules below: eld small 92.0% (large 92.4%), tinyld 91.1% (heavy 92.0%), cld3-asm
 * 83.5%, lande 68.3%, franc-min 65.6%, franc 59.8%. eld and tinyld both lose the id/ms pair whole
 * (eld knows no Indonesian, tinyld no Malay); beyond it eld missed 3 messages and tinyld 9 (es/pt,
 * tr, ar among them). eld also labelled the least gibberish (3 of 13 vs 4, cld3 and lande 13),
 * is maintained (2.1.0, 2026), has no dependencies, and its small database costs ~40 MB of heap
 * and about a second to load (the large one ~150 MB and several seconds, for 0.4 points).
 *
 * What no short-text detector does on its own is added here, by script: kana ⇒ Japanese, Hangul ⇒
 * Korean, Han ⇒ Chinese written Simplified or Traditional, letters only Ukrainian or only Russian
 * writes, Persian and Urdu letters in Arabic script, and Indonesian vs Malay by their words.
 * What is too short, mixed, or not a language (emoji, numbers, links, gibberish) is null: it is
 * better to not know than to label a visitor's language wrongly with confidence.
 */
import { eld } from 'eld/small';
import { normalizeLanguage } from '../../../protocol/languages';
import { hanScriptVotes } from './han-script';
import { malayOrIndonesian } from './malay-indonesian';

export interface DetectedLanguage {
  /** BCP 47 as stored: `zh-Hans`/`zh-Hant`, else the bare ISO 639-1 code. */
  language: string;
  /** Sure enough for the conversation to follow it; a guess otherwise. */
  confident: boolean;
}

/** Only the start of a long text is read: it says the language as well as the rest, and costs less. */
export const DETECTION_MAX_CHARS = 1000;

/** Fewer letters than this say nothing (`ok`, `??`, `:)`). */
const MIN_LETTERS = 3;
/** Han, kana and Hangul carry a word or more per character. */
const MIN_CJK_LETTERS = 2;
/** The share of letters the main script needs; below it the text is mixed and left undetected. */
const DOMINANT_SHARE = 0.6;
/** Below this many letters a statistical guess is never confident. */
const CONFIDENT_LETTERS = 10;
/** The best language must lead the second by this much of eld's score to be a guess at all. */
const MIN_LEAD = 0.08;

type Script = 'han' | 'kana' | 'hangul' | 'cyrillic' | 'arabic' | 'latin' | 'other';

/** Each script's letters, counted with one native regex pass each (cheaper than a loop per char). */
const SCRIPT_LETTERS: [Exclude<Script, 'other'>, RegExp][] = [
  ['kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/gu],
  ['han', /\p{Script=Han}/gu],
  ['hangul', /\p{Script=Hangul}/gu],
  ['cyrillic', /\p{Script=Cyrillic}/gu],
  ['arabic', /\p{Script=Arabic}/gu],
  ['latin', /\p{Script=Latin}/gu],
];
const LETTER = /\p{L}/gu;

/** Links, addresses, handles and order numbers are no language; they would only mislead. */
const NOT_LANGUAGE = /(?:https?:\/\/|www\.)\S+|\S+@\S+\.\S+|[@#]\S+|\p{N}+/gu;

/** Control (but line breaks and tabs), format (but the emoji joiner), private-use and unassigned code points, U+FFFD. */
const JUNK = /(?![\t\n\r\u200D])[\p{Cc}\p{Cf}\p{Co}\p{Cn}\uFFFD]/gu;

export function detectLanguage(text: string): DetectedLanguage | null {
  const sample = text.slice(0, DETECTION_MAX_CHARS).replace(NOT_LANGUAGE, ' ');
  const counts = countScripts(sample);
  const letters = counts.total;
  if (letters < MIN_CJK_LETTERS) return null;
  // Binary pasted as text (a file's bytes, mojibake) has letters, but they spell nothing.
  const junk = sample.match(JUNK)?.length ?? 0;
  if (junk * 4 > letters) return null;
  const [script, count] = dominantScript(counts);
  if (count / letters < DOMINANT_SHARE) return null;
  switch (script) {
    case 'kana':
    case 'han':
      // Kana is written only in Japanese; Japanese text is kana and Han mixed.
      if (counts.kana > 0) return { language: 'ja', confident: letters >= MIN_LETTERS };
      return chinese(sample, letters);
    case 'hangul':
      return { language: 'ko', confident: letters >= MIN_LETTERS };
    default:
      if (letters < MIN_LETTERS) return null;
      if (script === 'cyrillic') return cyrillic(sample, letters);
      if (script === 'arabic') return arabicScript(sample, letters);
      return statistical(sample, letters);
  }
}

function countScripts(text: string): Record<Script, number> & { total: number } {
  const total = countOf(text, LETTER);
  const counts = { han: 0, kana: 0, hangul: 0, cyrillic: 0, arabic: 0, latin: 0, other: 0, total };
  let known = 0;
  for (const [script, pattern] of SCRIPT_LETTERS) {
    counts[script] = countOf(text, pattern);
    known += counts[script];
  }
  counts.other = Math.max(0, total - known);
  return counts;
}

function countOf(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Han and kana count together: they are one writing system in Japanese text. */
function dominantScript(counts: Record<Script, number>): [Script, number] {
  const merged: [Script, number][] = [
    [counts.kana > 0 ? 'kana' : 'han', counts.han + counts.kana],
    ['hangul', counts.hangul],
    ['cyrillic', counts.cyrillic],
    ['arabic', counts.arabic],
    ['latin', counts.latin],
    ['other', counts.other],
  ];
  return merged.reduce((best, next) => (next[1] > best[1] ? next : best));
}

/** Simplified or Traditional by the characters only one of them writes; neither is a guess. */
function chinese(text: string, letters: number): DetectedLanguage {
  const { simplified, traditional } = hanScriptVotes(text);
  const confident = letters >= MIN_LETTERS && simplified !== traditional;
  return { language: traditional > simplified ? 'zh-Hant' : 'zh-Hans', confident };
}

/** Letters only one of them writes decide between Ukrainian, Russian and Belarusian. */
function cyrillic(text: string, letters: number): DetectedLanguage | null {
  const lower = text.toLowerCase();
  const belarusian = /ў/.test(lower);
  const ukrainian = /[ґєї]/.test(lower) || (/і/.test(lower) && !/[ыэ]/.test(lower));
  const russian = /[ыэё]/.test(lower) && !/і/.test(lower);
  if (belarusian) return { language: 'be', confident: letters >= MIN_LETTERS };
  if (ukrainian) return { language: 'uk', confident: letters >= MIN_LETTERS };
  if (russian) return { language: 'ru', confident: letters >= MIN_LETTERS };
  const guess = statistical(text, letters);
  // Without і, ї, є or ґ, a long text is not Ukrainian, whatever the statistics say.
  if (guess?.language === 'uk' && letters >= 25) return { language: 'ru', confident: false };
  // Russian, Ukrainian and Bulgarian score alike on a few words: the statistics lead by a hair,
  // so eld's "ru" is trusted only when no other language's letters (Serbian ђ ј љ њ ћ џ) appear.
  if (guess?.language === 'ru' && letters >= CONFIDENT_LETTERS && !/[ђјљњћџ]/.test(lower)) {
    return { language: 'ru', confident: true };
  }
  return guess;
}

/** Arabic script is Arabic unless it has the letters Persian or Urdu add. */
function arabicScript(text: string, letters: number): DetectedLanguage {
  const confident = letters >= MIN_LETTERS;
  if (/[ٹڈڑںے]/.test(text)) return { language: 'ur', confident };
  if (/[پچژگکی]/.test(text)) return { language: 'fa', confident };
  return { language: 'ar', confident };
}

/** eld's answer, confident only when it says it is reliable, leads clearly and has enough text. */
function statistical(text: string, letters: number): DetectedLanguage | null {
  const result = eld.detect(text);
  const language = normalizeLanguage(result.language);
  if (!language) return null;
  const scores = Object.values(result.getScores()).sort((a, b) => b - a);
  const lead = (scores[0] ?? 0) - (scores[1] ?? 0);
  if (lead < MIN_LEAD && !result.isReliable()) return null;
  if (language === 'ms' || language === 'id') return malayOrIndonesian(text);
  // Azerbaijani writes ə in nearly every sentence, Turkish never: without it, "az" is Turkish.
  if (language === 'az' && !/ə/i.test(text)) return { language: 'tr', confident: false };
  const confident = result.isReliable() && letters >= CONFIDENT_LETTERS && lead >= MIN_LEAD / 2;
  return { language, confident };
}
