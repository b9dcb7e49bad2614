import { describe, expect, it } from 'vitest';
import { allowedFormCounts, pluralCategories, pluralRule } from './plural';

/** The form a catalog message shows for a count, as vue-i18n picks it with our rule. */
function pick(locale: string, message: string, count: number): string {
  const forms = message.split(' | ');
  return forms[pluralRule(locale)(count, forms.length)] ?? '';
}

describe('pluralCategories', () => {
  it('lists the CLDR forms in the order catalogs write them', () => {
    expect(pluralCategories('ja')).toEqual(['other']);
    expect(pluralCategories('ru')).toEqual(['one', 'few', 'many', 'other']);
    expect(pluralCategories('ar')).toEqual(['zero', 'one', 'two', 'few', 'many', 'other']);
    expect(pluralCategories('fr')).toEqual(['one', 'many', 'other']);
  });
});

describe('pluralRule', () => {
  it('picks Russian forms by the count’s CLDR category', () => {
    const pages = '{count} страница | {count} страницы | {count} страниц | {count} страницы';
    expect(pick('ru', pages, 1)).toBe('{count} страница');
    expect(pick('ru', pages, 3)).toBe('{count} страницы');
    expect(pick('ru', pages, 5)).toBe('{count} страниц');
    expect(pick('ru', pages, 21)).toBe('{count} страница');
    expect(pick('ru', pages, 1.5)).toBe('{count} страницы');
  });

  it('shows an explicit zero text first, then the CLDR forms', () => {
    const visitors =
      'Никого | {count} посетитель | {count} посетителя | {count} посетителей | {count} посетителя';
    expect(pick('ru', visitors, 0)).toBe('Никого');
    expect(pick('ru', visitors, 1)).toBe('{count} посетитель');
    expect(pick('ru', visitors, 4)).toBe('{count} посетителя');
    expect(pick('ru', visitors, 11)).toBe('{count} посетителей');
    expect(pick('ja', '誰もいません | {count} 人', 0)).toBe('誰もいません');
    expect(pick('ja', '誰もいません | {count} 人', 1)).toBe('{count} 人');
  });

  it('takes Arabic’s six forms with its own zero, or seven with an explicit one', () => {
    const six = 'zero | one | two | few | many | other';
    expect([0, 1, 2, 3, 11, 100].map((n) => pick('ar', six, n))).toEqual(six.split(' | '));
    const seven = `explicit | ${six}`;
    expect([0, 1, 2, 3, 11, 100].map((n) => pick('ar', seven, n))).toEqual(
      'explicit | one | two | few | many | other'.split(' | '),
    );
  });

  it('falls back to the last form when a message has an unexpected number of forms', () => {
    expect(pick('ja', 'a | b | c | d', 1)).toBe('d');
  });
});

describe('allowedFormCounts', () => {
  it('follows English: one more for an explicit zero', () => {
    expect(allowedFormCounts('en', 2)).toEqual([2]);
    expect(allowedFormCounts('ko', 2)).toEqual([1]);
    expect(allowedFormCounts('ko', 3)).toEqual([2]);
    expect(allowedFormCounts('ru', 3)).toEqual([5]);
    expect(allowedFormCounts('ar', 3)).toEqual([7, 6]);
    expect(allowedFormCounts('de', 1)).toEqual([1]);
  });
});
