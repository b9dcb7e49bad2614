/**
 * Parley's backup format, for every engine: a SQLite database file holding Parley's tables as the
 * source had them, plus a manifest — the format, the migrations the data belongs to, and each
 * table's row count and checksum — so that restore can prove a file whole before it touches
 * anything. Any SQLite tool can open it.
 */
import fs from 'node:fs';
import type { Db } from '../../server/db/database';
import type { Engine } from '../../server/db/database-url';
import { KNOWN_MIGRATIONS, appliedMigrations } from '../../server/db/migrate';
import { StoreError } from '../../server/db/store-error';
import { summarizeTables, type TableSummary } from './checksum';
import { integrityProblems, looksLikeSqlite, openSqliteFile } from './sqlite-file';
import { listTables } from '../../server/db/dialect';

const MANIFEST_TABLE = 'parley_backup';
const FORMAT = 'parley-backup';
const VERSION = 1;

export interface BackupManifest {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  sourceEngine: Engine;
  /** The migrations the data belongs to: restore migrates the target to the last of them first. */
  migrations: string[];
  tables: Record<string, TableSummary>;
}

export function newManifest(
  sourceEngine: Engine,
  migrations: string[],
  tables: Map<string, TableSummary>,
): BackupManifest {
  return {
    format: FORMAT,
    version: VERSION,
    createdAt: new Date().toISOString(),
    sourceEngine,
    migrations,
    tables: Object.fromEntries(tables),
  };
}

export async function writeManifest(db: Db, manifest: BackupManifest): Promise<void> {
  await db.schema
    .createTable(MANIFEST_TABLE)
    .addColumn('name', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto(MANIFEST_TABLE as never)
    .values({ name: 'manifest', value: JSON.stringify(manifest) } as never)
    .execute();
}

const invalid = (file: string, why: string) =>
  new StoreError('backup_invalid', `${file} ${why}; nothing was changed`);

/**
 * Opens a backup file read-only and proves it intact and Parley's: a SQLite file that passes
 * SQLite's integrity check, with a manifest this version understands, whose every table still
 * has the rows and checksum the manifest recorded. A truncated, damaged or foreign file throws
 * `backup_invalid`.
 */
export async function openBackup(file: string): Promise<{ db: Db; manifest: BackupManifest }> {
  if (!fs.existsSync(file)) throw invalid(file, 'does not exist');
  if (!looksLikeSqlite(file)) throw invalid(file, 'is not a Parley backup (not a SQLite file)');
  let db: Db | undefined;
  try {
    db = openSqliteFile(file, { readonly: true });
    const manifest = await checkedManifest(db, file);
    return { db, manifest };
  } catch (error) {
    await db?.destroy();
    if (error instanceof StoreError) throw error;
    throw invalid(file, `is damaged or truncated (${(error as Error).message})`);
  }
}

async function checkedManifest(db: Db, file: string): Promise<BackupManifest> {
  const problems = await integrityProblems(db);
  if (problems.length > 0) {
    throw invalid(file, `is damaged or truncated (${problems.slice(0, 3).join('; ')})`);
  }
  if (!(await listTables(db)).includes(MANIFEST_TABLE)) {
    throw invalid(file, 'is not a Parley backup (it has no manifest)');
  }
  const row = await db
    .selectFrom(MANIFEST_TABLE as never)
    .select('value' as never)
    .where('name' as never, '=', 'manifest' as never)
    .executeTakeFirst();
  const manifest = JSON.parse(
    (row as { value?: string } | undefined)?.value ?? 'null',
  ) as BackupManifest | null;
  if (manifest?.format !== FORMAT) throw invalid(file, 'is not a Parley backup (no manifest)');
  const unknown = manifest.migrations.filter((m) => !KNOWN_MIGRATIONS.includes(m));
  if (manifest.version > VERSION || unknown.length > 0) {
    throw invalid(
      file,
      `was made by a newer Parley (${unknown.join(', ') || 'format'}): restore it with that version`,
    );
  }
  const applied = await appliedMigrations(db);
  if (applied.join() !== manifest.migrations.join()) {
    throw invalid(file, 'does not match its manifest (migrations)');
  }
  const found = await summarizeTables(db, Object.keys(manifest.tables));
  for (const [table, expected] of Object.entries(manifest.tables)) {
    const actual = found.get(table);
    if (actual?.rows !== expected.rows || actual.checksum !== expected.checksum) {
      throw invalid(
        file,
        `does not match its manifest: ${table} has ${actual?.rows ?? 0} rows, the manifest says ${expected.rows}`,
      );
    }
  }
  return manifest;
}
