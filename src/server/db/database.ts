import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  MysqlDialect,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseConnection,
} from 'kysely';
import { createPool as createMysqlPool } from 'mysql2';
import pg from 'pg';
import type { Database } from './schema';
import { parseDatabaseUrl, DatabaseUrlError, type DatabaseTarget } from './database-url';
import { StoreError } from './store-error';
import { withStatementCache } from './statement-cache';

export type Db = Kysely<Database>;

export interface PoolOptions {
  /** Connections per process to PostgreSQL or MySQL (SQLite has one). */
  poolSize: number;
  /** A statement running longer is cancelled, so a stuck query cannot hold a connection forever. */
  statementTimeoutMs: number;
  /** Told about settings that work but endanger acknowledged messages. */
  warn: (message: string) => void;
}

/** How busy a connection pool is, for /metrics. */
export interface PoolUse {
  /** Connections open, busy or idle. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

const poolReaders = new WeakMap<Db, () => PoolUse>();

/** The pool's use right now; undefined for SQLite, which has one connection and no pool. */
export function poolUse(db: Db): PoolUse | undefined {
  return poolReaders.get(db)?.();
}

const DEFAULT_POOL: PoolOptions = { poolSize: 10, statementTimeoutMs: 30_000, warn: () => {} };
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the store a database URL names (see `parseDatabaseUrl`) and proves it usable before
 * returning: it answers, and its version and settings are ones Parley runs on. Throws a
 * StoreError otherwise, having written nothing. Migrating is the caller's next step.
 */
export async function createDb(url: string, options: Partial<PoolOptions> = {}): Promise<Db> {
  const settings = { ...DEFAULT_POOL, ...options };
  let target: DatabaseTarget;
  try {
    target = parseDatabaseUrl(url, (p) => path.resolve(p));
  } catch (error) {
    if (error instanceof DatabaseUrlError)
      throw new StoreError('database_url_invalid', error.message);
    throw error;
  }
  if (target.engine === 'sqlite') return openSqlite(target.file);
  const db = target.engine === 'postgres' ? openPostgres(url, settings) : openMysql(url, settings);
  try {
    await (target.engine === 'postgres' ? checkPostgres(db, settings) : checkMysql(db, settings));
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error instanceof StoreError ? error : connectionError(error);
  }
  return db;
}

/**
 * Opens the SQLite store. WAL lets readers run beside the one writer; `synchronous=FULL` makes
 * every commit reach the disk before it returns, so an acknowledged message survives a process
 * crash *and* a power loss (NORMAL would survive only the first).
 */
export function openSqlite(file: string): Db {
  let database: SQLite.Database;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    database = new SQLite(file);
  } catch (error) {
    throw new StoreError('database_unreadable', `cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw new StoreError('database_unreadable', `${file}: ${(error as Error).message}`);
  }
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
}

function openPostgres(url: string, settings: PoolOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.poolSize,
    statement_timeout: settings.statementTimeoutMs,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'parley',
    // bigint columns hold millisecond times (jobs) and counts, far below 2^53: read them as
    // numbers, as SQLite and MySQL give them, not as pg's strings.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8
          ? Number
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server drops (restart, failover) must not crash the process; the
  // pool replaces it and the next query reports any lasting trouble.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  poolReaders.set(db, () => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  }));
  return db;
}

function openMysql(url: string, settings: PoolOptions): Db {
  const pool = createMysqlPool({
    uri: url,
    connectionLimit: settings.poolSize,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Literals compare byte for byte too (the tables' own collation is binary as well).
    charset: 'UTF8MB4_BIN',
  });
  const db = new Kysely<Database>({
    dialect: new MysqlDialect({
      pool,
      onCreateConnection: (connection) => configureMysqlSession(connection, settings),
    }),
  });
  // mysql2 keeps its counts in fields it does not document; read them defensively.
  const internals = pool as unknown as Record<string, { length?: number } | undefined>;
  const count = (field: string) => internals[field]?.length ?? 0;
  poolReaders.set(db, () => ({
    total: count('_allConnections'),
    idle: count('_freeConnections'),
    waiting: count('_connectionQueue'),
  }));
  return db;
}

/**
 * Per connection: strict mode, so a value that does not fit is an error rather than silently cut
 * (a lost message), never another storage engine than the one asked for, and the statement
 * timeout, which MariaDB and MySQL name differently.
 */
async function configureMysqlSession(
  connection: DatabaseConnection,
  settings: PoolOptions,
): Promise<void> {
  await connection.executeQuery(
    CompiledQuery.raw(
      "set session sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'",
    ),
  );
  const { rows } = await connection.executeQuery<{ v: string }>(
    CompiledQuery.raw('select version() as v'),
  );
  const mariadb = /mariadb/i.test(rows[0]?.v ?? '');
  const timeout = mariadb
    ? `max_statement_time = ${settings.statementTimeoutMs / 1000}`
    : `max_execution_time = ${Math.round(settings.statementTimeoutMs)}`;
  await connection.executeQuery(CompiledQuery.raw(`set session ${timeout}`));
}

async function checkPostgres(db: Db, settings: PoolOptions): Promise<void> {
  const { rows } = await sql<{
    version: string;
    encoding: string;
    synchronous_commit: string;
    fsync: string;
  }>`select current_setting('server_version_num') as version,
            current_setting('server_encoding') as encoding,
            current_setting('synchronous_commit') as synchronous_commit,
            current_setting('fsync') as fsync`.execute(db);
  const row = rows[0]!;
  if (Number(row.version) < 130000) {
    throw new StoreError('database_unsupported', `PostgreSQL 13 or newer is needed`);
  }
  if (row.encoding !== 'UTF8') {
    throw new StoreError(
      'database_unsupported',
      `the database's encoding is ${row.encoding}; Parley needs UTF8 (create it with ENCODING 'UTF8')`,
    );
  }
  if (row.synchronous_commit === 'off' || row.fsync === 'off') {
    settings.warn(
      `PostgreSQL runs with ${row.fsync === 'off' ? 'fsync=off' : 'synchronous_commit=off'}: ` +
        'a crash can lose messages that were already acknowledged. Parley needs ' +
        'synchronous_commit=on (the default) and fsync=on; see "Databases" in README.md.',
    );
  }
}

async function checkMysql(db: Db, settings: PoolOptions): Promise<void> {
  const { rows } = await sql<{
    version: string;
    flush: number | string;
    sync_binlog: number | string;
    log_bin: number | string;
  }>`
    select version() as version, @@innodb_flush_log_at_trx_commit as flush,
           @@sync_binlog as sync_binlog, @@log_bin as log_bin`.execute(db);
  const row = rows[0]!;
  const [major = 0, minor = 0] = row.version.split(/[.-]/).map(Number);
  const mariadb = /mariadb/i.test(row.version);
  if (mariadb ? major * 100 + minor < 1006 : major < 8) {
    throw new StoreError(
      'database_unsupported',
      `${mariadb ? 'MariaDB' : 'MySQL'} ${row.version} is too old: Parley needs MariaDB 10.6 or MySQL 8.0 or newer`,
    );
  }
  if (Number(row.flush) !== 1 || (Number(row.log_bin) === 1 && Number(row.sync_binlog) !== 1)) {
    settings.warn(
      `${mariadb ? 'MariaDB' : 'MySQL'} runs with innodb_flush_log_at_trx_commit=${row.flush}` +
        (Number(row.log_bin) === 1 ? ` and sync_binlog=${row.sync_binlog}` : '') +
        ': a crash can lose messages that were already acknowledged. Parley needs both at 1; ' +
        'see "Databases" in README.md.',
    );
  }
}

/** A driver's failure to connect, as the operator needs to hear it. */
function connectionError(error: unknown): StoreError {
  const { code, message } = error as { code?: unknown; message?: string };
  const reason = message || String(code ?? error);
  switch (code) {
    case '28P01':
    case '28000':
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return new StoreError('database_access_denied', `access denied: ${reason}`);
    case '3D000':
    case 'ER_BAD_DB_ERROR':
      return new StoreError(
        'database_not_found',
        `${reason} (Parley does not create the database: create it first, see README.md)`,
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ECONNRESET':
      return new StoreError('database_unreachable', `cannot connect: ${reason || String(code)}`);
  }
  if (/timeout|terminated|connect/i.test(reason)) {
    return new StoreError('database_unreachable', `cannot connect: ${reason}`);
  }
  return new StoreError('database_unreachable', reason);
}

/** True when the store answers a trivial query. */
export async function isReady(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
