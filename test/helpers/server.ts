/** Test server: the real app on a real SQLite file in a temp dir, on a random loopback port. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type Parley } from '../../src/server/app';
import { DEFAULT_LIMITS, type Config } from '../../src/server/env';

/** The origin the seeded demo site allows; visitor requests in tests claim it. */
export const SITE_ORIGIN = 'http://shop.test';
export const ADMIN = { email: 'admin@shop.test', password: 'correct horse battery staple' };

/** What the client helpers need of a server, in-process or a child process. */
export interface ServerEndpoint {
  url: string;
  widgetKey: string;
}

export interface TestServer extends ServerEndpoint {
  dataDir: string;
  parley: Parley;
  close(): Promise<void>;
}

/** Many visitors from one address, sending fast: what integration tests do, and no visitor does. */
export const GENEROUS_LIMITS: Config['limits'] = {
  ...DEFAULT_LIMITS,
  visitorMessagesPerMinute: 100_000,
  addressMessagesPerMinute: 100_000,
  siteMessagesPerMinute: 100_000,
  addressConversationsPerHour: 100_000,
  visitorConnections: 1000,
  addressConnections: 10_000,
};

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
}

export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    sqliteFile: path.join(dataDir, 'parley.sqlite'),
    publicUrl: SITE_ORIGIN,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: 'silent',
    trustProxy: false,
    // Tests of other things must not trip over the limits; test/security tests them.
    limits: GENEROUS_LIMITS,
    headersTimeoutMs: 10_000,
    sessionCheckMs: 30_000,
    ...overrides,
  };
}

export async function startServer(
  dataDir = tempDataDir(),
  overrides: Partial<Config> = {},
): Promise<TestServer> {
  const parley = await buildApp(testConfig(dataDir, overrides));
  const address = await parley.http.listen({ port: 0, host: '127.0.0.1' });
  const site = await parley.db
    .selectFrom('sites')
    .select('widget_key')
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  return {
    url: address,
    dataDir,
    widgetKey: site.widget_key,
    parley,
    close: () => parley.http.close(),
  };
}
