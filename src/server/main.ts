/**
 * `npm start`: read the environment, open and migrate the store, listen, and on SIGTERM or SIGINT
 * stop cleanly (refuse new connections, close sockets, finish requests, close the store).
 */
import { buildApp, type Parley } from './app';
import { redactUrl } from './db/database-url';
import { StoreError } from './db/store-error';
import { ConfigError, loadConfig, type Config } from './env';
import type { FirstRunResult } from './modules/bootstrap/first-run';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const { http, firstRun } = await buildAppOrExit(config);
  await http.listen({ port: config.port, host: config.host });
  printBanner(config, firstRun);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    http.log.info({ signal }, 'shutting down');
    http.close().then(
      () => process.exit(0),
      (error: unknown) => {
        http.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Parley cannot start. ${error.message}`);
    process.exit(1);
  }
}

async function buildAppOrExit(config: Config): Promise<Parley> {
  try {
    return await buildApp(config);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    console.error(
      `Parley cannot start. ${redactUrl(config.database.url)}: ${error.message} [${error.code}]`,
    );
    process.exit(1);
  }
}

function printBanner(config: Config, firstRun: FirstRunResult | undefined): void {
  const lines = [
    '',
    `  Parley is running at ${config.publicUrl}`,
    `  Console:  ${config.publicUrl}/console`,
    `  Demo:     ${config.publicUrl}/demo`,
  ];
  if (firstRun) {
    lines.push(`  Sign in:  ${firstRun.adminEmail}`);
    lines.push(
      firstRun.generatedPassword
        ? `  Password: ${firstRun.generatedPassword}   (shown only this once; keep it)`
        : '  Password: the one in PARLEY_ADMIN_PASSWORD',
    );
  }
  lines.push('');
  console.log(lines.join('\n'));
}

await main();
