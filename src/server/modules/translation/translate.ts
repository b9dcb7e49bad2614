/**
 * One translation through any adapter: glossary terms become placeholders first and come back
 * after, and the provider's answer is checked before anyone reads it. A bad answer is a
 * ProviderError, retried like an outage.
 */
import { baseLanguage, normalizeLanguage } from '../../../protocol/languages';
import { detectLanguage } from '../language/detect-language';
import { protectTerms, restoreTerms, type GlossaryEntry } from './glossary';
import { ProviderError, type TranslationAdapter } from './providers';

export interface TextToTranslate {
  text: string;
  source: string | null;
  target: string;
  glossary: readonly GlossaryEntry[];
}

export async function translateText(
  adapter: TranslationAdapter,
  input: TextToTranslate,
): Promise<string> {
  const prepared = protectTerms(input.text, input.glossary);
  const raw = await adapter.translate({ ...input, text: prepared.text });
  const answer = checkAnswer(prepared.text, raw, input.target, adapter.name === 'openai');
  const restored = restoreTerms(answer, prepared.restore);
  if (restored === null) throw new ProviderError('the provider dropped a glossary placeholder');
  return restored;
}

const TAG = /<\/?[A-Za-z][\w-]*(\s[^<>]*)?\/?>/;
const LETTER = /\p{L}/gu;

/** Scripts a language is written in, for the languages whose script tells them apart. */
const SCRIPTS: Readonly<Record<string, RegExp>> = {
  'zh-Hans': /\p{Script=Han}/u,
  'zh-Hant': /\p{Script=Han}/u,
  ja: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
  ko: /\p{Script=Hangul}/u,
  ru: /\p{Script=Cyrillic}/u,
  uk: /\p{Script=Cyrillic}/u,
  bg: /\p{Script=Cyrillic}/u,
  ar: /\p{Script=Arabic}/u,
  fa: /\p{Script=Arabic}/u,
  ur: /\p{Script=Arabic}/u,
  he: /\p{Script=Hebrew}/u,
  el: /\p{Script=Greek}/u,
  th: /\p{Script=Thai}/u,
  hi: /\p{Script=Devanagari}/u,
};
const LATIN = /\p{Script=Latin}/u;

/**
 * The answer, trimmed, or a ProviderError when it is not a translation of `source` into
 * `target`: empty, HTML where the text had none, absurdly long, in the wrong script or
 * confidently in another language, or (for a chat model, `strict`) the text given back untouched.
 */
export function checkAnswer(
  source: string,
  answer: string,
  target: string,
  strict: boolean,
): string {
  let text = answer.trim();
  // A chat model quoting its answer: the quotes are its, not the writer's.
  if (/^(["“«「]).*(["”»」])$/su.test(text) && !/^["“«「]/u.test(source.trim())) {
    text = text.slice(1, -1).trim();
  }
  if (text.length === 0) throw new ProviderError('the provider answered an empty text');
  if (TAG.test(text) && !TAG.test(source)) throw new ProviderError('the provider answered HTML');
  if (text.length > source.length * 6 + 200) {
    throw new ProviderError('the provider answered far more than the text');
  }
  if (!inTargetScript(text, target) || inOtherLanguage(text, target)) {
    throw new ProviderError(`the provider did not answer in ${target}`);
  }
  if (strict && untouched(source, text)) {
    throw new ProviderError('the provider gave the text back untranslated');
  }
  return text;
}

/** Letters of the answer (placeholders aside) in the script the target language is written in. */
function inTargetScript(text: string, target: string): boolean {
  const letters = text.replace(/\{\{\s*\d+\s*\}\}/g, '').match(LETTER) ?? [];
  if (letters.length < 3) return true;
  const language = normalizeLanguage(target) ?? target;
  const script = SCRIPTS[language];
  if (script) return letters.some((l) => script.test(l));
  // A Latin-script language: most of its letters are Latin (a name in another script may stay).
  return letters.filter((l) => LATIN.test(l)).length * 2 >= letters.length;
}

/**
 * The answer is, with confidence, in another language than `target` though in its script (Spanish
 * asked, Portuguese or the Spanish itself given back). Names, numbers and short answers are
 * never confidently anything, so they pass.
 */
function inOtherLanguage(text: string, target: string): boolean {
  const detected = detectLanguage(text.replace(/\{\{\s*\d+\s*\}\}/g, ' '));
  return detected !== null && detected.confident && !sameBase(detected.language, target);
}

function sameBase(a: string, b: string): boolean {
  return baseLanguage(a) === baseLanguage(b);
}

function untouched(source: string, answer: string): boolean {
  const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  const letters = source.match(LETTER)?.length ?? 0;
  return letters >= 8 && /\s/.test(source.trim()) && fold(source) === fold(answer);
}
