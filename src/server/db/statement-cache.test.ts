import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './statement-cache';

describe('withStatementCache', () => {
  it('prepares each SQL text once, keeps the most recent ones, and still answers correctly', () => {
    const raw = new SQLite(':memory:');
    let prepared = 0;
    const counting = {
      close: () => raw.close(),
      prepare: (sql: string) => (prepared++, raw.prepare(sql)),
    };
    const db = withStatementCache(counting, 2);

    expect(db.prepare('select 1 as n').all([])).toEqual([{ n: 1 }]);
    expect(db.prepare('select 1 as n').all([])).toEqual([{ n: 1 }]);
    expect(prepared).toBe(1);

    db.prepare('select 2 as n');
    db.prepare('select 1 as n'); // most recent again
    db.prepare('select 3 as n'); // evicts "select 2", the least recently used
    db.prepare('select 1 as n');
    expect(prepared).toBe(3);
    db.prepare('select 2 as n');
    expect(prepared).toBe(4);
    db.close();
  });
});
