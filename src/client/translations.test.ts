import { describe, expect, it } from 'vitest';
import {
  lacksTranslation,
  oldestPendingSeq,
  sameLanguage,
  translationFor,
  withTranslation,
  type MessageTranslation,
  type Translatable,
} from './translations';

const done = (language: string, body: string): MessageTranslation => ({
  language,
  status: 'done',
  body,
});
const pending = (language: string): MessageTranslation => ({
  language,
  status: 'pending',
  body: null,
});

describe('reading languages', () => {
  it('compares base languages, but tells Simplified and Traditional Chinese apart', () => {
    expect(sameLanguage('en', 'en-GB')).toBe(true);
    expect(sameLanguage('pt', 'pt-BR')).toBe(true);
    expect(sameLanguage('es', 'pt')).toBe(false);
    expect(sameLanguage('zh-Hans', 'zh-CN')).toBe(true);
    expect(sameLanguage('zh-Hans', 'zh-Hant')).toBe(false);
    expect(sameLanguage('zh-TW', 'zh-Hant')).toBe(true);
    expect(sameLanguage('zh', 'zh-Hans')).toBe(true);
    expect(sameLanguage('zh-HK', 'zh-Hant')).toBe(true);
  });
});

describe('the translation a reader sees', () => {
  const spanish: Translatable = {
    body: 'Hola',
    language: 'es',
    translations: [done('en', 'Hello'), pending('zh-Hans')],
  };

  it('is the one into the reader’s language, whatever its region', () => {
    expect(translationFor(spanish, 'en-US')?.body).toBe('Hello');
    expect(translationFor(spanish, 'zh-Hans')?.status).toBe('pending');
    expect(translationFor(spanish, 'zh-Hant')).toBeUndefined();
  });

  it('is none when the message is in the reader’s language already', () => {
    expect(translationFor({ ...spanish, translations: [done('es', 'Hola!')] }, 'es')).toBe(
      undefined,
    );
  });

  it('is missing only for a known other language without any translation into it', () => {
    expect(lacksTranslation(spanish, 'en')).toBe(false);
    expect(lacksTranslation(spanish, 'zh-Hans')).toBe(false); // pending counts
    expect(lacksTranslation(spanish, 'fr')).toBe(true);
    expect(lacksTranslation(spanish, 'es')).toBe(false);
    expect(lacksTranslation({ body: 'x', language: null }, 'fr')).toBe(false);
  });
});

describe('a translation arriving', () => {
  it('replaces the earlier state of the same language and adds a new language', () => {
    const message: Translatable = { body: 'Hola', translations: [pending('en')] };
    const translated = withTranslation(message, done('en', 'Hello'));
    expect(translated.translations).toEqual([done('en', 'Hello')]);
    expect(withTranslation(translated, pending('de')).translations).toEqual([
      done('en', 'Hello'),
      pending('de'),
    ]);
    expect(
      withTranslation({ body: 'Hola' } as Translatable, done('en', 'Hello')).translations,
    ).toEqual([done('en', 'Hello')]);
  });

  it('never takes a done translation back to pending, and leaves an unchanged message as it is', () => {
    const message: Translatable = { body: 'Hola', translations: [done('en', 'Hello')] };
    expect(withTranslation(message, pending('en'))).toBe(message);
    expect(withTranslation(message, done('en', 'Hello'))).toBe(message);
  });
});

describe('the oldest message waiting for a translation', () => {
  it('is the lowest seq with a pending translation, or null', () => {
    const at = (seq: number, translations: MessageTranslation[]) => ({
      seq,
      body: '',
      translations,
    });
    expect(oldestPendingSeq([at(1, []), at(2, [done('en', 'Hi')])])).toBeNull();
    expect(oldestPendingSeq([at(5, [pending('en')]), at(3, [pending('es')]), at(4, [])])).toBe(3);
  });
});
