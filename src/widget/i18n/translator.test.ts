import { describe, expect, it } from 'vitest';
import { createTranslator, type Catalog } from './translator';

const english = { greet: 'Hello {name}', bye: 'Bye' };

describe('createTranslator', () => {
  it('translates and falls back to English per key', () => {
    const t = createTranslator(english, () => ({ greet: 'Hallo {name}' }));
    expect(t('greet', { name: 'Ana' })).toBe('Hallo Ana');
    expect(t('bye')).toBe('Bye');
  });

  it('follows the catalog loaded after it was made', () => {
    let catalog: Catalog<keyof typeof english> = {};
    const t = createTranslator(english, () => catalog);
    expect(t('bye')).toBe('Bye');
    catalog = { bye: 'Tchau' };
    expect(t('bye')).toBe('Tchau');
  });

  it('leaves a placeholder without a value visible', () => {
    const t = createTranslator(english, () => ({}));
    expect(t('greet')).toBe('Hello {name}');
  });
});
