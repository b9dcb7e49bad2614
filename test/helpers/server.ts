/**
 * Test server: the real app on a fresh database of the engine under test (see ./database), on a
 * random loopback port.
 */
import { buildApp, type Parley } from '../../src/server/app';
import type { Db } from '../../src/server/db/database';
import { DEFAULT_LIMITS, type Config } from '../../src/server/env';
import { createTestDatabase, type TestDatabase } from './database';

export { tempDataDir } from './database';

/** The origin the seeded demo site allows; visitor requests in tests claim it. */
export const SITE_ORIGIN = 'http://shop.test';
export const ADMIN = { email: 'admin@shop.test', password: 'correct horse battery staple' };

/** What the client helpers need of a server, in-process or a child process. */
export interface ServerEndpoint {
  url: string;
  widgetKey: string;
}

export interface TestServer extends ServerEndpoint {
  database: TestDatabase;
  parley: Parley;
  /** Stops the server, and drops its database unless the test brought its own. */
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

export function testConfig(database: TestDatabase, overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: database.dataDir,
    database: { url: database.url, poolSize: 5, statementTimeoutMs: 30_000 },
    redisUrl: undefined,
    publicUrl: SITE_ORIGIN,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: 'silent',
    metricsToken: undefined,
    trustProxy: false,
    // Tests of other things must not trip over the limits; test/security tests them.
    limits: GENEROUS_LIMITS,
    headersTimeoutMs: 10_000,
    sessionCheckMs: 30_000,
    // Jobs start soon after they are due, so tests wait little for them.
    jobs: { pollMs: 25, leaseMs: 30_000 },
    presenceGraceMs: 15_000,
    ...overrides,
  };
}

/** The widget key of the site the first start made. */
export async function seededWidgetKey(db: Db): Promise<string> {
  const site = await db
    .selectFrom('sites')
    .select('widget_key')
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  return site.widget_key;
}

/**
 * Starts a server on `database`, which outlives it (a restart test starts another on the same
 * one), or on a fresh database of its own that `close()` drops.
 */
export async function startServer(
  database?: TestDatabase,
  overrides: Partial<Config> = {},
  options: Parameters<typeof buildApp>[1] = {},
): Promise<TestServer> {
  const own = !database;
  const store = database ?? (await createTestDatabase());
  let parley: Parley;
  try {
    parley = await buildApp(testConfig(store, overrides), options);
  } catch (error) {
    if (own) await store.drop();
    throw error;
  }
  const address = await parley.http.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    database: store,
    widgetKey: await seededWidgetKey(parley.db),
    parley,
    close: async () => {
      await parley.http.close();
      if (own) await store.drop();
    },
  };
}
