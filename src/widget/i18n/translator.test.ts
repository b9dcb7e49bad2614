import { describe, expect, it } from 'vitest';
import { createTranslator } from './translator';

const english = { greet: 'Hello {name}', bye: 'Bye' };
const catalogs = {
  './locales/en.ts': english,
  './locales/de.ts': { greet: 'Hallo {name}' },
  './locales/pt-BR.ts': { bye: 'Tchau' },
};

describe('createTranslator', () => {
  it('picks an exact tag, case-insensitively', () => {
    expect(createTranslator(catalogs, english, ['PT-br']).language).toBe('pt-br');
  });

  it('picks the primary language of a regional tag', () => {
    expect(createTranslator(catalogs, english, ['de-AT', 'en']).language).toBe('de');
  });

  it('takes the first preferred language it has', () => {
    expect(createTranslator(catalogs, english, ['fr', 'en-GB', 'de']).language).toBe('en');
  });

  it('translates and falls back to English per key', () => {
    const { t } = createTranslator(catalogs, english, ['de-DE']);
    expect(t('greet', { name: 'Ana' })).toBe('Hallo Ana');
    expect(t('bye')).toBe('Bye');
  });

  it('falls back to English for a language it does not have', () => {
    const { language, t } = createTranslator(catalogs, english, ['ja']);
    expect(language).toBe('en');
    expect(t('greet', { name: 'Ana' })).toBe('Hello Ana');
  });

  it('leaves a placeholder without a value visible', () => {
    const { t } = createTranslator(catalogs, english, ['en']);
    expect(t('greet')).toBe('Hello {name}');
  });
});
