import path from 'node:path';
import { parseArgs } from 'node:util';
import { redactUrl } from '../server/db/database-url';
import { CliError, onDatabase, usageError } from './cli-error';
import type { Command } from './command';
import { openConfigured } from './configured-database';
import { openBackup } from './transfer/backup-file';
import { comparisonLines, mismatch, moveInstallation, prepareTarget } from './transfer/move';
import { StoreError } from '../server/db/store-error';

const BATCH = 500;

export const restore: Command = {
  usage: 'parley restore FILE [--force]',
  summary:
    'restore a backup into the configured database, which must be empty (--force: replace it)',
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      options: { force: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw usageError('name the backup file to restore');
    const file = path.resolve(positionals[0]!);
    // The whole file is proven intact before the database is even opened.
    const backup = await openBackup(file).catch((error: unknown) => {
      if (error instanceof StoreError) throw new CliError(error.code, error.message);
      throw error;
    });
    try {
      const { config, db } = await openConfigured(io.env, io.err);
      const url = config.database.url;
      try {
        const state = await onDatabase(url, () => prepareTarget(db, values.force));
        if (state === 'resuming')
          io.err(`Going on with the restore into ${redactUrl(url)} that stopped\n`);
        const comparisons = await onDatabase(url, () =>
          moveInstallation(backup.db, db, {
            migrations: backup.manifest.migrations,
            tables: Object.keys(backup.manifest.tables),
            expected: new Map(Object.entries(backup.manifest.tables)),
            batchSize: BATCH,
            onBatch: ({ table, copied, done }) => {
              if (done) io.err(`  ${table}: copied ${copied}\n`);
            },
          }),
        );
        io.out(`Restored ${file} (made ${backup.manifest.createdAt}) into ${redactUrl(url)}`);
        for (const line of comparisonLines(comparisons)) io.out(line);
        const differs = mismatch(comparisons);
        if (differs) throw new CliError(differs.code, `${redactUrl(url)}: ${differs.message}`);
      } finally {
        await db.destroy();
      }
    } finally {
      await backup.db.destroy();
    }
  },
};
