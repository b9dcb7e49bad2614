import { parseArgs } from 'node:util';
import { createDb, type Db } from '../server/db/database';
import { redactUrl } from '../server/db/database-url';
import { appliedMigrations } from '../server/db/migrate';
import { CliError, onDatabase, usageError } from './cli-error';
import type { Command, CommandIo } from './command';
import { comparisonLines, mismatch, moveInstallation, prepareTarget } from './transfer/move';
import { parleyTables, type BatchCopied } from './transfer/copy-tables';

export interface MigrateDataOptions {
  from: string;
  to: string;
  batchSize: number;
  /** After each batch; the progress report, and a test's way to stop a move part-way. */
  onBatch?: (batch: BatchCopied) => void | Promise<void>;
}

/**
 * Moves a whole installation from one database to another, empty one — on the same engine or
 * another — in batches. Interrupted, the same command goes on where it stopped. Returns the
 * lines to print; throws `transfer_mismatch` when a table differs at the end.
 */
export async function migrateData(
  options: MigrateDataOptions,
  io: Pick<CommandIo, 'err'>,
): Promise<string[]> {
  const open = (url: string) =>
    onDatabase(url, () =>
      createDb(url, { poolSize: 2, statementTimeoutMs: 0, warn: (m) => io.err(`${m}\n`) }),
    );
  const source = await open(options.from);
  let target: Db | undefined;
  try {
    target = await open(options.to);
    const migrations = await onDatabase(options.from, () => appliedMigrations(source));
    if (migrations.length === 0) {
      throw new CliError(
        'nothing_to_move',
        `${redactUrl(options.from)} holds no Parley installation`,
      );
    }
    const into = target;
    const state = await onDatabase(options.to, () => prepareTarget(into, false));
    if (state === 'resuming')
      io.err(`Going on with the move into ${redactUrl(options.to)} that stopped\n`);
    const tables = await parleyTables(source);
    const comparisons = await onDatabase(options.to, () =>
      moveInstallation(source, into, {
        migrations,
        tables,
        batchSize: options.batchSize,
        onBatch: async (batch) => {
          if (batch.done) io.err(`  ${batch.table}: copied ${batch.copied}\n`);
          await options.onBatch?.(batch);
        },
      }),
    );
    const lines = [
      `Moved ${redactUrl(options.from)} to ${redactUrl(options.to)}`,
      ...comparisonLines(comparisons),
    ];
    const differs = mismatch(comparisons);
    if (differs) {
      for (const line of lines) io.err(`${line}\n`);
      throw new CliError(differs.code, differs.message);
    }
    return lines;
  } finally {
    await target?.destroy();
    await source.destroy();
  }
}

export const migrateDataCommand: Command = {
  usage: 'parley migrate-data --from URL --to URL [--batch-size N]',
  summary: 'move a whole installation to another, empty database (e.g. SQLite → PostgreSQL)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'batch-size': { type: 'string', default: '500' },
      },
      strict: true,
    });
    if (!values.from || !values.to) throw usageError('name both databases: --from URL --to URL');
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
      throw usageError('--batch-size: a whole number from 1 to 5000');
    }
    if (values.from === values.to) throw usageError('--from and --to name the same database');
    for (const line of await migrateData({ from: values.from, to: values.to, batchSize }, io)) {
      io.out(line);
    }
  },
};
