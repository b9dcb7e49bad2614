/**
 * Moving a whole installation into another database — what restore and migrate-data share: the
 * target must be empty (or be finishing an interrupted move), is migrated to the source's
 * migrations, receives every table in batches, and is compared table by table before it is
 * migrated on to this version's latest.
 */
import type { Kysely } from 'kysely';
import { appliedMigrations, migrateTo, migrateToLatest } from '../../server/db/migrate';
import { StoreError } from '../../server/db/store-error';
import { summarizeTables, type TableSummary } from './checksum';
import {
  copyInProgress,
  copyTables,
  finishCopy,
  tablesWithRows,
  type BatchCopied,
} from './copy-tables';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export interface TableComparison {
  table: string;
  source: TableSummary;
  target: TableSummary;
  same: boolean;
}

/**
 * Refuses a target that already holds Parley data, unless `replace`: then Parley's tables there
 * are dropped (their migrations undone). A target part-way through an earlier move is let be, so
 * the move goes on where it stopped.
 */
export async function prepareTarget(
  target: AnyDb,
  replace: boolean,
): Promise<'fresh' | 'resuming'> {
  const applied = await appliedMigrations(target);
  if (await copyInProgress(target)) return 'resuming';
  const held = await tablesWithRows(target);
  if (held.length > 0 && !replace) {
    throw new StoreError(
      'database_not_empty',
      `already holds Parley data (in ${held.join(', ')}): give it an empty database` +
        ' (or, for restore, --force to replace what it holds)',
    );
  }
  if (applied.length > 0 && replace) await migrateTo(target, undefined);
  return 'fresh';
}

export async function moveInstallation(
  source: AnyDb,
  target: AnyDb,
  options: {
    migrations: string[];
    tables: string[];
    /** The source's summaries when already known (a backup's manifest). */
    expected?: Map<string, TableSummary>;
    batchSize: number;
    onBatch: (batch: BatchCopied) => void | Promise<void>;
  },
): Promise<TableComparison[]> {
  await migrateTo(target, options.migrations.at(-1));
  await copyTables(source, target, {
    tables: options.tables,
    batchSize: options.batchSize,
    resumable: true,
    onBatch: options.onBatch,
  });
  const expected = options.expected ?? (await summarizeTables(source, options.tables));
  const got = await summarizeTables(target, options.tables);
  const comparisons = options.tables.map((table) => {
    const sourceSummary = expected.get(table) ?? { rows: 0, checksum: '' };
    const targetSummary = got.get(table) ?? { rows: 0, checksum: '' };
    return {
      table,
      source: sourceSummary,
      target: targetSummary,
      same:
        sourceSummary.rows === targetSummary.rows &&
        sourceSummary.checksum === targetSummary.checksum,
    };
  });
  if (comparisons.every((c) => c.same)) {
    await finishCopy(target);
    await migrateToLatest(target);
  }
  return comparisons;
}

/** The comparison as the operator reads it: one line a table, then the verdict. */
export function comparisonLines(comparisons: TableComparison[]): string[] {
  const lines = [`  ${'table'.padEnd(18)} ${'rows'.padStart(8)}  ${'checksum'.padEnd(32)}`];
  for (const c of comparisons) {
    const checksum = c.same
      ? c.target.checksum
      : `source ${c.source.rows} rows ${c.source.checksum}, target ${c.target.rows} rows ${c.target.checksum}`;
    lines.push(
      `  ${c.table.padEnd(18)} ${String(c.target.rows).padStart(8)}  ${checksum}  ${c.same ? 'ok' : 'DIFFERS'}`,
    );
  }
  const rows = comparisons.reduce((n, c) => n + c.target.rows, 0);
  const differing = comparisons.filter((c) => !c.same).map((c) => c.table);
  lines.push(
    differing.length === 0
      ? `  ${comparisons.length} tables, ${rows} rows: every count and checksum matches`
      : `  ${differing.join(', ')} differ`,
  );
  return lines;
}

export function mismatch(comparisons: TableComparison[]): StoreError | undefined {
  const differing = comparisons.filter((c) => !c.same).map((c) => c.table);
  if (differing.length === 0) return undefined;
  return new StoreError(
    'transfer_mismatch',
    `what arrived differs from the source in ${differing.join(', ')} (was the source written to meanwhile?)`,
  );
}
