import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  TEST_ENGINE,
  tempDataDir,
  type TestDatabase,
} from '../../../test/helpers/database';
import { createDb, isReady, openSqlite, type Db } from './database';
import { listTables } from './dialect';
import { migrateTo, migrateToLatest } from './migrate';

let db: Db | undefined;
let database: TestDatabase | undefined;

afterEach(async () => {
  await db?.destroy();
  await database?.drop();
  db = undefined;
  database = undefined;
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
});

describe('migrations', () => {
  it('migrate an empty database, again without change, and all the way down', async () => {
    database = await createTestDatabase();
    db = await createDb(database.url);
    await migrateToLatest(db);
    await migrateToLatest(db);
    const tables = async () => (await listTables(db!)).filter((n) => !n.startsWith('kysely_'));
    expect(await tables()).toEqual([
      'agent_departments',
      'agents',
      'blocked_addresses',
      'conversations',
      'departments',
      'events',
      'glossary_terms',
      'invitations',
      'invites',
      'jobs',
      'message_translations',
      'messages',
      'org_routing',
      'organizations',
      'page_views',
      'password_resets',
      'recovery_codes',
      'refused_origins',
      'schedules',
      'sessions',
      'sites',
      'transfers',
      'translation_cache',
      'visitor_events',
      'visitor_tokens',
      'visitors',
      'visits',
    ]);

    await migrateTo(db, undefined);
    expect(await tables()).toEqual([]);
  });
});

// SQLite has no statement timeout; its busy_timeout (above) bounds the wait for the write lock.
describe.runIf(TEST_ENGINE !== 'sqlite')(`the statement timeout (${TEST_ENGINE})`, () => {
  it('cancels a statement that runs longer than configured', async () => {
    database = await createTestDatabase();
    db = await createDb(database.url, { statementTimeoutMs: 200 });
    // A join of a few thousand rows with itself, thrice: real work, which every engine's
    // timeout covers (MySQL 8 ends a timed-out SLEEP() quietly, without an error).
    const endless = sql`select count(*) as c from information_schema.columns a,
      information_schema.columns b, information_schema.columns c`;

    await expect(endless.execute(db)).rejects.toThrow(/timeout|max_statement_time|cancel/i);
    expect(await isReady(db)).toBe(true); // the pool's connection is still good
  });
});
