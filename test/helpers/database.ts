/**
 * A fresh, empty database for one test server, on the engine `PARLEY_TEST_DATABASE` names
 * (sqlite by default; postgres or mysql for `npm run test:db`), dropped again by `drop()`.
 *
 * PostgreSQL and MySQL are reached through admin URLs that may create and drop databases:
 * `PARLEY_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/postgres) and
 * `PARLEY_TEST_MYSQL_URL` (default mysql://root@127.0.0.1:3306/mysql).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Engine } from '../../src/server/db/database-url';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres', 'mysql'];

function engineFromEnv(): Engine {
  const value = process.env.PARLEY_TEST_DATABASE ?? 'sqlite';
  if (!(ENGINES as string[]).includes(value)) {
    throw new Error(`PARLEY_TEST_DATABASE=${value}: expected one of ${ENGINES.join(', ')}`);
  }
  return value as Engine;
}

/** The engine this test run is on. */
export const TEST_ENGINE: Engine = engineFromEnv();

const ADMIN_URLS = {
  postgres: process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.PARLEY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
};

export interface TestDatabase {
  engine: Engine;
  /** What PARLEY_DATABASE_URL would say. */
  url: string;
  /** A temp dir of its own: the SQLite file lives here, and tests may put other files here. */
  dataDir: string;
  drop(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
}

/** The URL of a database on the same server as `adminUrl`, named `name`. */
function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createTestDatabase(engine: Engine = TEST_ENGINE): Promise<TestDatabase> {
  const dataDir = tempDataDir();
  if (engine === 'sqlite') {
    return {
      engine,
      url: `sqlite:${path.join(dataDir, 'parley.sqlite')}`,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = ADMIN_URLS[engine];
  if (engine === 'postgres') {
    await onPostgres(admin, `create database ${name} encoding 'UTF8' template template0`);
  } else {
    await onMysql(admin, `create database ${name}`);
  }
  return {
    engine,
    url: withDatabase(admin, name),
    dataDir,
    drop: async () => {
      // FORCE ends connections a crashed test left open, which would otherwise block the drop.
      if (engine === 'postgres')
        await onPostgres(admin, `drop database if exists ${name} with (force)`);
      else await onMysql(admin, `drop database if exists ${name}`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement as the PostgreSQL admin. */
export async function onPostgres(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Runs one statement as the MySQL admin. */
export async function onMysql(url: string, statement: string): Promise<void> {
  const connection = await mysql.createConnection(url);
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
}
