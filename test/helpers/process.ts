/** Runs `src/server/main.ts` as a real child process, as `npm start` would, for crash tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createDb } from '../../src/server/db/database';
import type { TestDatabase } from './database';
import { ADMIN, SITE_ORIGIN, seededWidgetKey, type ServerEndpoint } from './server';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<number | string | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The environment without the test run's own PARLEY_* settings (PARLEY_TEST_DATABASE…), which
 * Parley would refuse as unknown, and without any PARLEY_* of the shell the tests run in.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_')));
}

/** The environment names of GENEROUS_LIMITS, so a server process is as lenient as in-process ones. */
export const GENEROUS_LIMIT_ENV = {
  PARLEY_LIMIT_VISITOR_MESSAGES_PER_MINUTE: '100000',
  PARLEY_LIMIT_ADDRESS_MESSAGES_PER_MINUTE: '100000',
  PARLEY_LIMIT_SITE_MESSAGES_PER_MINUTE: '100000',
  PARLEY_LIMIT_ADDRESS_CONVERSATIONS_PER_HOUR: '100000',
  PARLEY_LIMIT_VISITOR_CONNECTIONS: '1000',
  PARLEY_LIMIT_ADDRESS_CONNECTIONS: '10000',
  PARLEY_LIMIT_ADDRESS_BEACONS_PER_MINUTE: '1000000',
};

/** Starts `src/server/main.ts` on `database`, which outlives the process (tests restart on it). */
export async function spawnServer(
  database: TestDatabase,
  port: number,
  options: {
    publicUrl?: string;
    env?: Record<string, string>;
    /** How long the start may take (a loaded machine starting several nodes needs longer). */
    startTimeoutMs?: number;
  } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...cleanEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: database.dataDir,
      PARLEY_DATABASE_URL: database.url,
      PARLEY_PUBLIC_URL: options.publicUrl ?? SITE_ORIGIN,
      PARLEY_ADMIN_EMAIL: ADMIN.email,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
      PARLEY_LOG_LEVEL: 'warn',
      ...GENEROUS_LIMIT_ENV,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, exited, () => output, options.startTimeoutMs ?? 15_000);
  } catch (error) {
    child.kill('SIGKILL'); // never leave a half-started server behind
    throw error;
  }
  return { url, child, output: () => output, exited };
}

async function waitUntilHealthy(
  url: string,
  exited: Promise<unknown>,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  for (let i = 0; i < timeoutMs / 100; i++) {
    if (dead) throw new Error(`server exited during start:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

/** Where the client helpers reach a server process: its URL and the seeded site's key. */
export async function endpointOf(
  p: ServerProcess,
  database: TestDatabase,
): Promise<ServerEndpoint> {
  const db = await createDb(database.url, { poolSize: 1 });
  try {
    return { url: p.url, widgetKey: await seededWidgetKey(db) };
  } finally {
    await db.destroy();
  }
}

/** Sets the seeded site's allowed embedding origins, as its owner would (no settings screen yet). */
export async function allowEmbedOrigins(database: TestDatabase, origins: string[]): Promise<void> {
  const db = await createDb(database.url, { poolSize: 1 });
  try {
    await db
      .updateTable('sites')
      .set({ allowed_origins: JSON.stringify(origins) })
      .execute();
  } finally {
    await db.destroy();
  }
}
