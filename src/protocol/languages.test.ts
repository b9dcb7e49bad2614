import { describe, expect, it } from 'vitest';
import { baseLanguage, browserConversationLanguage, normalizeLanguage } from './languages';

describe('normalizeLanguage', () => {
  it.each([
    ['zh', 'zh-Hans'],
    ['zh-CN', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh-Hans-HK', 'zh-Hans'],
    ['zh-TW', 'zh-Hant'],
    ['zh_HK', 'zh-Hant'],
    ['zh-MO', 'zh-Hant'],
    ['zh-Hant', 'zh-Hant'],
    ['cmn', 'zh-Hans'],
    ['pt-BR', 'pt'],
    ['EN-us', 'en'],
    ['por', 'pt'],
    ['ukr', 'uk'],
    ['zsm', 'ms'],
    ['iw', 'he'],
  ])('stores %s as %s', (tag, stored) => {
    expect(normalizeLanguage(tag)).toBe(stored);
  });

  it('is null for what is not a tag', () => {
    const notTags = [null, undefined, '', 'und', 'zxx', 'und!', '12', 'x'];
    expect(notTags.map((t) => normalizeLanguage(t))).toEqual(notTags.map(() => null));
  });
});

describe('baseLanguage', () => {
  it('keeps the primary subtag', () => {
    expect([baseLanguage('pt-BR'), baseLanguage('zh-Hant'), baseLanguage('en')]).toEqual([
      'pt',
      'zh',
      'en',
    ]);
  });
});

describe('browserConversationLanguage', () => {
  it('writes Chinese by script and keeps other tags whole', () => {
    expect(['zh-TW', 'zh-CN', 'pt-BR', 'en-US'].map(browserConversationLanguage)).toEqual([
      'zh-Hant',
      'zh-Hans',
      'pt-BR',
      'en-US',
    ]);
    expect(browserConversationLanguage(null)).toBeNull();
  });
});
