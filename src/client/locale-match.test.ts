import { describe, expect, it } from 'vitest';
import { matchLocale, pickLocale, textDirection, UI_LANGUAGES } from './locale-match';

describe('matchLocale', () => {
  it('maps Chinese by script, the region deciding when no script is given', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-HK', 'zh_cn']) {
      expect(matchLocale(tag), tag).toBe('zh-Hans');
    }
    for (const tag of ['zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'zh-Hant-CN', 'zh-tw']) {
      expect(matchLocale(tag), tag).toBe('zh-Hant');
    }
  });

  it('gives every Portuguese the Brazilian catalog', () => {
    expect(matchLocale('pt')).toBe('pt-BR');
    expect(matchLocale('pt-PT')).toBe('pt-BR');
    expect(matchLocale('PT-br')).toBe('pt-BR');
  });

  it('matches the exact tag, then the base language', () => {
    for (const tag of UI_LANGUAGES) expect(matchLocale(tag)).toBe(tag);
    expect(matchLocale('de-AT')).toBe('de');
    expect(matchLocale('ar-EG')).toBe('ar');
    expect(matchLocale('en-GB')).toBe('en');
  });

  it('has nothing for a language without a catalog', () => {
    expect(matchLocale('uk')).toBeUndefined();
    expect(matchLocale('')).toBeUndefined();
    expect(matchLocale('english')).toBeUndefined();
  });
});

describe('pickLocale', () => {
  it('takes the first preference that has a catalog', () => {
    expect(pickLocale(['uk', 'ru-RU', 'en'])).toBe('ru');
    expect(pickLocale(['nl', 'sv'])).toBeUndefined();
    expect(pickLocale([])).toBeUndefined();
  });
});

describe('textDirection', () => {
  it('is right-to-left for Arabic, Persian, Hebrew and Urdu', () => {
    for (const tag of ['ar', 'ar-EG', 'fa', 'he-IL', 'ur']) expect(textDirection(tag)).toBe('rtl');
    for (const tag of ['en', 'ja', 'zh-Hant', 'arn', 'tr']) expect(textDirection(tag)).toBe('ltr');
  });
});
