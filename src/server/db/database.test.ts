import path from 'node:path';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDataDir } from '../../../test/helpers/server';
import { migrateToLatest, openSqlite, type Db } from './database';
import { migrations } from './migrations/index';

let db: Db | undefined;

afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

async function pragma(name: string): Promise<unknown> {
  const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db!);
  return Object.values(rows[0] ?? {})[0];
}

describe('the SQLite store', () => {
  it('runs in WAL mode with synchronous=FULL, a busy timeout and foreign keys', async () => {
    db = openSqlite(path.join(tempDataDir(), 'parley.sqlite'));
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // 2 = FULL: a commit is on disk when it returns
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('foreign_keys')).toBe(1);
  });

  it('migrates an empty file, again without change, and all the way down', async () => {
    db = openSqlite(path.join(tempDataDir(), 'parley.sqlite'));
    await migrateToLatest(db);
    await migrateToLatest(db);
    const tables = async () =>
      (await db!.introspection.getTables())
        .map((t) => t.name)
        .filter((n) => !n.startsWith('kysely_'));
    expect((await tables()).sort()).toEqual([
      'agents',
      'blocked_addresses',
      'conversations',
      'messages',
      'organizations',
      'sessions',
      'sites',
      'visitors',
    ]);

    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateTo(NO_MIGRATIONS);
    expect(error).toBeUndefined();
    expect(await tables()).toEqual([]);
  });
});
