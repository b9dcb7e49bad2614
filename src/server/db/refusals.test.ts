/**
 * A database Parley cannot use is refused with a clear error and a stable code, before anything
 * is written. Run on each engine by `npm run test:db`; the connection cases need a server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  TEST_ENGINE,
  tempDataDir,
  type TestDatabase,
} from '../../../test/helpers/database';
import { cleanEnv } from '../../../test/helpers/process';
import { createDb, type Db } from './database';
import { listTables } from './dialect';
import { migrateToLatest } from './migrate';
import { StoreError } from './store-error';

let database: TestDatabase | undefined;
let db: Db | undefined;

afterEach(async () => {
  await db?.destroy();
  await database?.drop();
  db = undefined;
  database = undefined;
});

async function refusal(attempt: Promise<unknown>): Promise<StoreError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

async function freshDb(): Promise<Db> {
  database = await createTestDatabase();
  db = await createDb(database.url);
  return db;
}

describe(`a database Parley must not use (${TEST_ENGINE})`, () => {
  it('holds another application’s tables: refused, nothing written', async () => {
    const store = await freshDb();
    await store.schema.createTable('wp_posts').addColumn('id', 'integer').execute();

    const error = await refusal(migrateToLatest(store));

    expect(error.code).toBe('database_foreign');
    expect(error.message).toContain('wp_posts');
    expect(await listTables(store)).toEqual(['wp_posts']);
  });

  it('was migrated by a newer Parley: refused, nothing written', async () => {
    const store = await freshDb();
    await migrateToLatest(store);
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(
      store,
    );
    const before = await listTables(store);

    const error = await refusal(migrateToLatest(store));

    expect(error.code).toBe('database_newer');
    expect(error.message).toContain('9999-from-the-future');
    expect(await listTables(store)).toEqual(before);
  });
});

describe.runIf(TEST_ENGINE === 'sqlite')('a SQLite file Parley cannot open', () => {
  it('is not a database', async () => {
    const file = path.join(tempDataDir(), 'notes.sqlite');
    fs.writeFileSync(file, 'these are my notes, not a database'.repeat(200));

    expect((await refusal(createDb(`sqlite:${file}`))).code).toBe('database_unreadable');
  });
});

describe.runIf(TEST_ENGINE !== 'sqlite')(`a ${TEST_ENGINE} server Parley cannot use`, () => {
  const withUrl = (change: (url: URL) => void) => {
    const url = new URL(database!.url);
    change(url);
    return url.toString();
  };

  it('does not answer', async () => {
    database = await createTestDatabase();
    const url = withUrl((u) => ((u.port = '1'), (u.password = 's3cret')));
    expect((await refusal(createDb(url))).code).toBe('database_unreachable');
  });

  it('refuses the user or password', async () => {
    database = await createTestDatabase();
    const url = withUrl((u) => {
      // PostgreSQL here trusts local connections, so only an unknown role is refused.
      u.username = TEST_ENGINE === 'postgres' ? 'no_such_role' : u.username;
      u.password = 'wrong-password';
    });
    const error = await refusal(createDb(url));
    expect(error.code).toBe('database_access_denied');
  });

  it('has no database of that name', async () => {
    database = await createTestDatabase();
    const url = withUrl((u) => (u.pathname = '/parley_no_such_database'));
    const error = await refusal(createDb(url));
    expect(error.code).toBe('database_not_found');
    expect(error.message).toMatch(/create it first/);
  });
});

describe('npm start on a database it cannot use', () => {
  it('exits non-zero, naming the URL without its password and the reason', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
      env: {
        ...cleanEnv(),
        PORT: '0',
        PARLEY_DATABASE_URL: 'postgres://parley:s3cret@127.0.0.1:1/parley',
        PARLEY_LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    expect(output).toContain('Parley cannot start. postgres://parley:***@127.0.0.1:1/parley');
    expect(output).toContain('database_unreachable');
    expect(output).not.toContain('s3cret');
  });
});
