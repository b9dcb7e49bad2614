import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from '../../server/db/schema';
import type { Db } from '../../server/db/database';

/**
 * A SQLite file as a plain database: no WAL, no pragmas, nothing written on open (unlike the
 * store's openSqlite) — for backup files, which stay one self-contained file.
 */
export function openSqliteFile(file: string, { readonly }: { readonly: boolean }): Db {
  const database = new SQLite(file, { readonly, fileMustExist: readonly });
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

/** Whether the file starts as every SQLite database does. */
export function looksLikeSqlite(file: string): boolean {
  const header = Buffer.alloc(16);
  const fd = fs.openSync(file, 'r');
  try {
    return (
      fs.readSync(fd, header, 0, 16, 0) === 16 && header.toString('latin1') === 'SQLite format 3\0'
    );
  } finally {
    fs.closeSync(fd);
  }
}

/** SQLite's own check of every page and index: `['ok']` when the file is sound. */
export async function integrityProblems(db: Db): Promise<string[]> {
  const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
  const found = rows.map((r) => r.integrity_check);
  return found.length === 1 && found[0] === 'ok' ? [] : found;
}
