import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../protocol/errors';
import { CLIENT_FAILURE_CODES } from '../api/request-error';
import en from './en';

const sources = import.meta.glob<string>(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

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
