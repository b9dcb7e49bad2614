import { parseArgs } from 'node:util';
import { migrateToLatest } from '../server/db/migrate';
import { ACCOUNT_OPTIONS, accountInput, onAccounts } from './account-command';
import type { Command } from './command';

export const createAdmin: Command = {
  usage: 'parley create-admin --email EMAIL [--name NAME] [--org ID] [--password-stdin]',
  summary: 'add an admin who can sign in to the console (on an empty database: the first owner)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { ...ACCOUNT_OPTIONS, name: { type: 'string' }, org: { type: 'string' } },
      strict: true,
    });
    const { email, password } = await accountInput(values, io);
    await onAccounts(io, migrateToLatest, async (accounts, config) => {
      const created = await accounts.createAdmin({
        email,
        password,
        name: values.name ?? 'Admin',
        orgId: values.org,
        publicUrl: config.publicUrl,
      });
      io.out(
        `Created ${email}, ${created.role} of ${created.organization}: sign in at ${config.publicUrl}/console`,
      );
    });
  },
};
