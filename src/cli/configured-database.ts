import { createDb, type Db } from '../server/db/database';
import { ConfigError, loadConfig, type Config } from '../server/env';
import { CliError, onDatabase } from './cli-error';

/**
 * The config Parley would start with (the same environment variables), and its database opened
 * and checked: commands act on the installation `npm start` would serve.
 */
export async function openConfigured(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): Promise<{ config: Config; db: Db }> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError('config_invalid', error.message);
    throw error;
  }
  const db = await onDatabase(config.database.url, () =>
    // No statement timeout: a command may run longer than any request should (0 turns it off).
    createDb(config.database.url, { poolSize: 2, statementTimeoutMs: 0, warn }),
  );
  return { config, db };
}
