/** Test server: the real app on a real SQLite file in a temp dir, on a random loopback port. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type Parley } from '../../src/server/app';
import type { Config } from '../../src/server/env';

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
    ...overrides,
  };
}

export async function startServer(dataDir = tempDataDir()): Promise<TestServer> {
  const parley = await buildApp(testConfig(dataDir));
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
