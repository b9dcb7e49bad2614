import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../protocol/errors';
import { CLIENT_FAILURE_CODES } from '../api/request-error';
import { checkCatalog } from '../../client/catalog-check';
import { UI_LANGUAGES } from '../../protocol/ui-languages';
import en from './en';
import { allowedFormCounts } from './plural';

const sources = import.meta.glob<string>(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Every other language's catalog, by tag (`./de.ts` → `de`). */
const catalogs = Object.fromEntries(
  Object.entries(
    import.meta.glob<unknown>(['./??.ts', './??-*.ts', '!./en.ts'], {
      import: 'default',
      eager: true,
    }),
  ).map(([path, catalog]) => [path.slice(2, -3), catalog]),
);

function lookup(key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>(
      (node, part) =>
        typeof node === 'object' && node !== null ? Reflect.get(node, part) : undefined,
      en,
    );
}

describe('the English catalog', () => {
  it('has every key the console uses', () => {
    // Keys are written as single-quoted literals ('inbox.unread'), in scripts and templates alike.
    const keyPattern = new RegExp(`'((?:${Object.keys(en).join('|')})\\.[A-Za-z_.]+)'`, 'g');
    const used = new Set(
      Object.values(sources).flatMap((source) =>
        [...source.matchAll(keyPattern)].map((match) => match[1] ?? ''),
      ),
    );
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((key) => typeof lookup(key) !== 'string')).toEqual([]);
  });

  it('explains every failure code', () => {
    for (const code of [...ERROR_CODES, ...CLIENT_FAILURE_CODES]) {
      expect(typeof lookup(`errors.${code}`), code).toBe('string');
    }
  });
});

describe('the catalogs of the other languages', () => {
  it('are one file per UI language, and no other', () => {
    expect(Object.keys(catalogs).sort()).toEqual(UI_LANGUAGES.filter((t) => t !== 'en').sort());
  });

  // Every key English has and no other, the same {placeholders} per message (across its plural
  // forms), and as many plural forms as the language has (plural.ts).
  it.each(UI_LANGUAGES.filter((tag) => tag !== 'en'))('%s matches English', (tag) => {
    expect(catalogs[tag], `src/console/i18n/${tag}.ts`).toBeDefined();
    const formCounts = (forms: number) => allowedFormCounts(tag, forms);
    expect(checkCatalog(en, catalogs[tag], { formCounts })).toEqual([]);
  });
});
