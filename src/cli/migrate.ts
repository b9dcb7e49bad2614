import { parseArgs } from 'node:util';
import { redactUrl } from '../server/db/database-url';
import { KNOWN_MIGRATIONS, appliedMigrations, migrateToLatest } from '../server/db/migrate';
import { onDatabase } from './cli-error';
import type { Command } from './command';
import { openConfigured } from './configured-database';

export const migrate: Command = {
  usage: 'parley migrate',
  summary: 'apply the migrations this version has to the configured database, and exit',
  async run(args, io) {
    parseArgs({ args, options: {}, strict: true });
    const { config, db } = await openConfigured(io.env, io.err);
    const url = config.database.url;
    try {
      const before = await onDatabase(url, () => appliedMigrations(db));
      await onDatabase(url, () => migrateToLatest(db));
      const applied = KNOWN_MIGRATIONS.filter((m) => !before.includes(m));
      io.out(
        applied.length === 0
          ? `${redactUrl(url)} is up to date (${KNOWN_MIGRATIONS.at(-1)})`
          : `${redactUrl(url)}: applied ${applied.join(', ')}`,
      );
    } finally {
      await db.destroy();
    }
  },
};
