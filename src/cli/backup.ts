import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Db } from '../server/db/database';
import { redactUrl } from '../server/db/database-url';
import { engineOf } from '../server/db/dialect';
import { appliedMigrations, migrateTo } from '../server/db/migrate';
import { StoreError } from '../server/db/store-error';
import { CliError, onDatabase, usageError } from './cli-error';
import type { Command } from './command';
import { openConfigured } from './configured-database';
import { newManifest, writeManifest } from './transfer/backup-file';
import { summarizeTables, type TableSummary } from './transfer/checksum';
import { integrityProblems, openSqliteFile } from './transfer/sqlite-file';
import { copyTables, parleyTables } from './transfer/copy-tables';

const BATCH = 500;

export const backup: Command = {
  usage: 'parley backup FILE',
  summary: 'write a consistent backup of the configured database to FILE, while Parley runs',
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw usageError('name one file to write the backup to');
    const file = path.resolve(positionals[0]!);
    if (fs.existsSync(file)) {
      throw new CliError('file_exists', `${file} already exists; a backup never overwrites a file`);
    }
    const { config, db } = await openConfigured(io.env, io.err);
    // Written beside the target and renamed when whole: a file named FILE is always a full backup.
    const partial = `${file}.partial-${process.pid}`;
    try {
      const summaries = await onDatabase(config.database.url, () => writeBackup(db, partial));
      fs.renameSync(partial, file);
      const rows = [...summaries.values()].reduce((n, s) => n + s.rows, 0);
      io.out(`Backed up ${redactUrl(config.database.url)} to ${file}`);
      for (const [table, { rows: count }] of summaries) io.out(`  ${table.padEnd(18)} ${count}`);
      io.out(`  ${summaries.size} tables, ${rows} rows`);
    } finally {
      fs.rmSync(partial, { force: true });
      await db.destroy();
    }
  },
};

/** Writes the backup file: the data as of one moment, checked, with its manifest. */
async function writeBackup(source: Db, file: string): Promise<Map<string, TableSummary>> {
  const migrations = await appliedMigrations(source);
  if (migrations.length === 0) {
    throw new StoreError(
      'database_not_empty',
      'holds no Parley installation yet: nothing to back up',
    );
  }
  const engine = engineOf(source);
  let sourceSummaries: Map<string, TableSummary> | undefined;
  if (engine === 'sqlite') {
    // One read transaction copies the whole file as of its start, while writers go on (WAL).
    await sql`vacuum into ${file}`.execute(source);
  } else {
    const target = openSqliteFile(file, { readonly: false });
    try {
      await migrateTo(target, migrations.at(-1));
      // One snapshot for every table: repeatable read sees the database as of the first read.
      sourceSummaries = await source
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(async (snapshot) => {
          const tables = await parleyTables(snapshot);
          await copyTables(snapshot, target, { tables, batchSize: BATCH, resumable: false });
          return summarizeTables(snapshot, tables);
        });
    } finally {
      await target.destroy();
    }
  }

  const copy = openSqliteFile(file, { readonly: false });
  try {
    // One self-contained file (no -wal beside it), whatever journal mode the source was in.
    await sql`pragma journal_mode = delete`.execute(copy);
    const problems = await integrityProblems(copy);
    if (problems.length > 0) throw new Error(`the backup failed SQLite's check: ${problems[0]}`);
    const summaries = await summarizeTables(copy, await parleyTables(copy));
    for (const [table, expected] of sourceSummaries ?? []) {
      const got = summaries.get(table);
      if (got?.checksum !== expected.checksum || got.rows !== expected.rows) {
        throw new StoreError('transfer_mismatch', `the backup of ${table} differs from the source`);
      }
    }
    await writeManifest(copy, newManifest(engine, migrations, summaries));
    return summaries;
  } finally {
    await copy.destroy();
  }
}
