import { describe, expect, it } from 'vitest';
import { pickLocale, textDirection } from './locale';

describe('pickLocale', () => {
  const available = ['en', 'de', 'pt-PT', 'zh-CN'];

  it('takes the first preference that has a catalog', () => {
    expect(pickLocale(['ja', 'de-AT', 'en'], available, 'en')).toBe('de');
  });

  it('matches exact tags case-insensitively, then siblings of the same language', () => {
    expect(pickLocale(['zh-cn'], available, 'en')).toBe('zh-CN');
    expect(pickLocale(['pt-BR'], available, 'en')).toBe('pt-PT');
  });

  it('falls back when nothing matches', () => {
    expect(pickLocale(['ja', 'ko'], available, 'en')).toBe('en');
    expect(pickLocale([], available, 'en')).toBe('en');
  });
});

describe('textDirection', () => {
  it('knows right-to-left scripts by base language', () => {
    expect(textDirection('ar-EG')).toBe('rtl');
    expect(textDirection('en')).toBe('ltr');
  });
});
