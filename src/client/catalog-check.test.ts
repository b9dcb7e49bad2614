import { describe, expect, it } from 'vitest';
import { allowedFormCounts } from '../console/i18n/plural';
import { checkCatalog, placeholdersOf } from './catalog-check';

const english = {
  inbox: { unread: '{count} unread', title: 'Inbox' },
  visitors: { count: 'No one | One visitor | {count} visitors' },
  pages: '{count} page | {count} pages',
  email: "name{'@'}example.com",
};

describe('checkCatalog', () => {
  const forRussian = { formCounts: (n: number) => allowedFormCounts('ru', n) };

  it('passes a complete catalog', () => {
    const russian = {
      inbox: { unread: '{count} непрочитанных', title: 'Входящие' },
      visitors: {
        count:
          'Никого | {count} посетитель | {count} посетителя | {count} посетителей | {count} посетителя',
      },
      pages: '{count} страница | {count} страницы | {count} страниц | {count} страницы',
      email: "imya{'@'}example.com",
    };
    expect(checkCatalog(english, russian, forRussian)).toEqual([]);
  });

  it('names the keys a catalog lacks, and those English lacks', () => {
    const partial = {
      inbox: { unread: '{count} непрочитанных', extra: 'Лишнее' },
      visitors: {},
      pages: '{count} страница | {count} страницы | {count} страниц | {count} страницы',
      email: 'x',
      more: { a: 'b' },
    };
    expect(checkCatalog(english, partial, forRussian)).toEqual([
      'inbox.title: missing',
      'inbox.extra: not in English',
      'visitors.count: missing',
      'more: not in English',
    ]);
  });

  it('finds a placeholder renamed, dropped or added', () => {
    expect(checkCatalog({ a: 'Hi {name}' }, { a: 'Hallo {nom}' })).toEqual([
      'a: placeholders {nom}, English has {name}',
    ]);
    expect(checkCatalog({ a: 'Hi {name}' }, { a: 'Hallo' })).toHaveLength(1);
    expect(checkCatalog({ a: 'Hi' }, { a: 'Hallo {name}' })).toHaveLength(1);
  });

  it('counts plural forms by the language’s CLDR categories', () => {
    const wrong = { ...english, pages: '{count} страница | {count} страниц' };
    expect(checkCatalog(english, wrong, forRussian).filter((p) => p.startsWith('pages'))).toEqual([
      'pages: 2 plural forms, expected 4',
    ]);
    const japanese = {
      inbox: { unread: '未読 {count} 件', title: '受信箱' },
      visitors: { count: '誰もいません | 訪問者 {count} 人' },
      pages: '{count} ページ',
      email: "namae{'@'}example.com",
    };
    expect(
      checkCatalog(english, japanese, { formCounts: (n) => allowedFormCounts('ja', n) }),
    ).toEqual([]);
  });
});

describe('placeholdersOf', () => {
  it('reads names across forms, not literals', () => {
    expect(placeholdersOf("{b} {'{'} {a} | {a}")).toEqual(['a', 'b']);
  });
});
