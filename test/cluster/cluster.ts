/**
 * Three real Parley processes on one database and one Redis, as an operator runs them behind a
 * load balancer. The Redis is the suite's own `redis-server` child on a free port, so a test can
 * stop and start it without touching the machine's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { Engine } from '../../src/server/db/database-url';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createVisitor, type VisitorCredentials } from '../helpers/clients';
import type { ServerEndpoint } from '../helpers/server';

export const METRICS_TOKEN = 'cluster-suite-metrics-token';

/** The engines the suite runs on: PARLEY_TEST_DATABASE picks one, else PostgreSQL and MariaDB. */
export const CLUSTER_ENGINES: Engine[] =
  process.env.PARLEY_TEST_DATABASE === 'postgres' || process.env.PARLEY_TEST_DATABASE === 'mysql'
    ? [process.env.PARLEY_TEST_DATABASE]
    : ['postgres', 'mysql'];

export interface RedisProcess {
  url: string;
  /** Stops it (SIGKILL: what a crash or a cut looks like to its clients). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence, like a restarted cache); running: no-op. */
  start(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const start = async () => {
    if (child) return;
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = started;
    exited = new Promise((resolve) => started.once('exit', resolve));
    await waitForPort(port);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: async () => {
      child?.kill('SIGKILL');
      await exited;
      child = undefined;
    },
  };
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

export interface Cluster {
  database: TestDatabase;
  redis: RedisProcess;
  /** One per node, in order; a node's URL stays the same across restarts. */
  endpoints: ServerEndpoint[];
  node(i: number): ServerProcess;
  kill(i: number): Promise<void>;
  /** SIGTERM, as an orchestrator stops a node; resolves with the exit code. */
  stop(i: number): Promise<number | string | null>;
  start(i: number): Promise<void>;
  /** Starts every node that is not running (after a test that failed half-way). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** `extraEnv`: more settings for every node (e.g. a short PARLEY_PRESENCE_GRACE_MS). */
export async function startCluster(
  engine: Engine,
  size = 3,
  extraEnv: Record<string, string> = {},
): Promise<Cluster> {
  const database = await createTestDatabase(engine);
  const redis = await startRedis();
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const env = {
    PARLEY_REDIS_URL: redis.url,
    PARLEY_METRICS_TOKEN: METRICS_TOKEN,
    // As behind the load balancer: visitors come from the addresses it forwards (newVisitor).
    PARLEY_TRUST_PROXY: '127.0.0.1',
    ...extraEnv,
  };
  const nodes: (ServerProcess | undefined)[] = [];
  const start = async (i: number) => {
    nodes[i] = await spawnServer(database, ports[i]!, { env, startTimeoutMs: 60_000 });
  };
  // The first start migrates and seeds; the others join a ready database.
  await start(0);
  await Promise.all(ports.slice(1).map((_, i) => start(i + 1)));
  const endpoint = await endpointOf(nodes[0]!, database);
  const endpoints = nodes.map((p) => ({ url: p!.url, widgetKey: endpoint.widgetKey }));
  const node = (i: number) => {
    const p = nodes[i];
    if (!p) throw new Error(`node ${i + 1} is not running`);
    return p;
  };
  return {
    database,
    redis,
    endpoints,
    node,
    kill: async (i) => {
      const p = node(i);
      p.child.kill('SIGKILL');
      await p.exited;
      nodes[i] = undefined;
    },
    stop: async (i) => {
      const p = node(i);
      p.child.kill('SIGTERM');
      const code = await p.exited;
      nodes[i] = undefined;
      return code;
    },
    start,
    restore: async () => {
      await Promise.all(ports.map((_, i) => (nodes[i] ? undefined : start(i))));
    },
    close: async () => {
      for (const p of nodes.splice(0)) {
        p?.child.kill('SIGKILL');
        await p?.exited;
      }
      await redis.stop();
      await database.drop();
    },
  };
}

let visitorsMade = 0;

/**
 * A new anonymous visitor, from an address of its own as the load balancer forwards it: the
 * widget's per-address limit on new visitors is for one address, not for a whole test.
 */
export async function newVisitor(
  endpoint: ServerEndpoint,
): Promise<VisitorCredentials & { address: string }> {
  const n = ++visitorsMade;
  const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  return { ...(await createVisitor(endpoint, undefined, { 'x-forwarded-for': address })), address };
}
