import { parseArgs } from 'node:util';
import { appliedMigrations } from '../server/db/migrate';
import { ACCOUNT_OPTIONS, accountInput, onAccounts } from './account-command';
import type { Command } from './command';

export const resetPassword: Command = {
  usage: 'parley reset-password --email EMAIL [--password-stdin]',
  summary: 'give an account a new password and sign it out everywhere',
  async run(args, io) {
    const { values } = parseArgs({ args, options: ACCOUNT_OPTIONS, strict: true });
    const { email, password } = await accountInput(values, io);
    // Checked, not migrated: a reset must not upgrade the schema behind a running older server.
    await onAccounts(io, appliedMigrations, async (accounts) => {
      const { sessionsEnded } = await accounts.resetPassword(email, password);
      io.out(
        `New password set for ${email}; ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended`,
      );
    });
  },
};
