/**
 * What differs between SQLite, PostgreSQL and MySQL/MariaDB, in one place: table options, row
 * locks, how each reports a conflict, and how to list a database's tables. Repositories and migrations ask
 * here instead of testing the engine themselves.
 */
import {
  MysqlAdapter,
  PostgresAdapter,
  SqliteAdapter,
  sql,
  type CreateTableBuilder,
  type Kysely,
} from 'kysely';
import type { Engine } from './database-url';

// Any Kysely: the live schema's, a migration's Kysely<unknown>, or a transaction of either.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export function engineOf(db: AnyDb): Engine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  throw new Error(`unsupported database adapter ${adapter.constructor.name}`);
}

/**
 * Whether `SELECT … FOR UPDATE` exists. SQLite has no row locks (and rejects the syntax), but it
 * needs none: a transaction there holds the one connection, and its writes the file's lock.
 */
export function hasRowLocks(db: AnyDb): boolean {
  return engineOf(db) !== 'sqlite';
}

type TableOptions = <T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
) => CreateTableBuilder<T, C>;

/**
 * Options for every Parley table, as a `$call` argument of `createTable`. On MySQL/MariaDB:
 * InnoDB (transactions, foreign keys), utf8mb4 (4-byte characters such as emoji) and a binary
 * NO PAD collation, so that ids, client ids, keys and token hashes compare byte for byte — the
 * server's default collation would take `Msg-A` and `msg-a`, or `key` and `key `, for one value.
 * The tables name their own options so that nothing depends on the server's defaults.
 */
export async function tableOptions(db: AnyDb): Promise<TableOptions> {
  if (engineOf(db) !== 'mysql') return (table) => table;
  const collation = await binaryCollation(db);
  return (table) =>
    table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = ${sql.raw(collation)}`);
}

/**
 * The byte-exact collation this MySQL or MariaDB server has: `utf8mb4_bin` ignores trailing
 * spaces (PAD SPACE), the NO PAD ones do not. MySQL 8 calls it utf8mb4_0900_bin, MariaDB
 * utf8mb4_nopad_bin.
 */
async function binaryCollation(db: AnyDb): Promise<string> {
  const { rows } = await sql<{ name: string }>`
    select collation_name as name from information_schema.collations
    where collation_name in ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')`.execute(db);
  const names = rows.map((r) => r.name);
  const found = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'].find((n) => names.includes(n));
  if (!found) throw new Error('this MySQL/MariaDB has no binary NO PAD utf8mb4 collation');
  return found;
}

/**
 * Drops an index: MySQL wants the index's table named, SQLite refuses it. On MySQL an index that
 * a foreign key uses cannot go while the key needs it — and MySQL drops a key's own index as soon
 * as another index covers the key's columns — so give the key an index back first (see 0002).
 */
export async function dropIndex(db: AnyDb, index: string, table: string): Promise<void> {
  const statement = db.schema.dropIndex(index);
  await (engineOf(db) === 'mysql' ? statement.on(table) : statement).execute();
}

/** The tables of the database Parley is connected to (its schema on PostgreSQL), sorted. */
export async function listTables(db: AnyDb): Promise<string[]> {
  const query = {
    sqlite: sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'`,
    postgres: sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`,
    mysql: sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = database() and table_type = 'BASE TABLE'`,
  }[engineOf(db)];
  const { rows } = await query.execute(db);
  return rows.map((r) => r.name).sort();
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** A unique-constraint violation, in any engine's words. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505' ||
    code === 'ER_DUP_ENTRY'
  );
}

/**
 * A transaction the engine gave up on because of another one — a deadlock (MySQL, PostgreSQL)
 * or a serialization failure (PostgreSQL) — which succeeds when run again from the start.
 */
export function isTransientConflict(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40001' || code === '40P01' || code === 'ER_LOCK_DEADLOCK';
}
