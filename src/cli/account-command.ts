/** What create-admin and reset-password share: the account's email, its new password, the store. */
import { z } from 'zod';
import type { Db } from '../server/db/database';
import type { Config } from '../server/env';
import { AccountError, OperatorAccounts } from '../server/modules/auth/operator-accounts';
import { CliError, onDatabase, usageError } from './cli-error';
import type { CommandIo } from './command';
import { openConfigured } from './configured-database';
import { readNewPassword } from './password-input';

export const ACCOUNT_OPTIONS = {
  email: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
} as const;

const email = z.string().trim().toLowerCase().email().max(254);

/**
 * The email from `--email`, as sign-in compares it (trimmed, lower case), and the new password,
 * read before the database is opened so that a refusal there changes nothing.
 */
export async function accountInput(
  values: { email?: string | undefined; 'password-stdin': boolean },
  io: CommandIo,
): Promise<{ email: string; password: string }> {
  const parsed = email.safeParse(values.email);
  if (!parsed.success) {
    throw usageError(`--email: ${values.email ? 'not an email address' : 'missing'}`);
  }
  return { email: parsed.data, password: await readNewPassword(io, values['password-stdin']) };
}

/** Runs `work` on the configured database's accounts, after `prepare` (migrate, or check). */
export async function onAccounts<T>(
  io: CommandIo,
  prepare: (db: Db) => Promise<unknown>,
  work: (accounts: OperatorAccounts, config: Config) => Promise<T>,
): Promise<T> {
  const { config, db } = await openConfigured(io.env, io.err);
  try {
    await onDatabase(config.database.url, () => prepare(db));
    return await work(new OperatorAccounts(db), config);
  } catch (error) {
    if (error instanceof AccountError) throw new CliError(error.code, error.message);
    throw error;
  } finally {
    await db.destroy();
  }
}
