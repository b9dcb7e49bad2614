import { describe, expect, it } from 'vitest';
import { languageName } from './language-name';

describe('languageName', () => {
  it('names a language in the console language', () => {
    expect(languageName('pt', 'en')).toBe('Portuguese');
    expect(languageName('zh-Hant', 'en')).toBe('Traditional Chinese');
    expect(languageName('pt', 'de')).toBe('Portugiesisch');
  });

  it('shows a tag Intl cannot name as it is', () => {
    expect(languageName('not a tag', 'en')).toBe('not a tag');
  });
});
