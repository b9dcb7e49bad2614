/**
 * Parley as a chat target: `src/server/main.ts` in its own child process, as `npm start` runs it,
 * on a fresh database (SQLite, PostgreSQL or MySQL); real socket.io-client connections, as the
 * widget and console make.
 */
import { io } from 'socket.io-client';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../../src/protocol/events';
import { connected, type AgentSocket, type VisitorSocket } from '../../test/helpers/clients';
import { GENEROUS_LIMIT_ENV, freePort } from '../../test/helpers/process';
import { ADMIN, SITE_ORIGIN } from '../../test/helpers/server';
import { startChildServer } from '../children';
import { ACK_TIMEOUT_MS, type ChatTarget, type VisitorConnection } from '../target';
import { seedVisitors } from './parley-visitors';

const AGENT_BUFFER_BYTES = 256 * 1024 * 1024;
/** Time to finish the events still queued (Parley's graceful stop) and write the profile. */
const PROFILED_STOP_TIMEOUT_MS = 60_000;

/**
 * How the bench starts Parley: on `port`, over `database`, with the demo admin. Every bench client
 * is on 127.0.0.1 and sends far faster than a person: the abuse limits (per visitor, address and
 * site) would measure themselves instead of the server.
 */
export function parleyEnv(
  port: number,
  database: { url: string; dataDir: string },
): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: database.dataDir,
    PARLEY_DATABASE_URL: database.url,
    PARLEY_PUBLIC_URL: SITE_ORIGIN,
    PARLEY_ADMIN_EMAIL: ADMIN.email,
    PARLEY_ADMIN_PASSWORD: ADMIN.password,
    PARLEY_LOG_LEVEL: 'warn',
    ...GENEROUS_LIMIT_ENV,
  };
}

/**
 * Not `spawnServer` from test/helpers/process.ts: when the server is slow to become healthy it
 * throws without handing back the child, which would then outlive the bench.
 */
export async function startParley(options: {
  name: string;
  /** A fresh store: its URL (PARLEY_DATABASE_URL) and a data directory of its own. */
  database: { url: string; dataDir: string };
  visitorCount: number;
  /** Where to write a CPU profile of the server when it stops; none when unset. */
  profileDir?: string | undefined;
}): Promise<ChatTarget> {
  const { name, database, visitorCount, profileDir } = options;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startChildServer({
    name,
    script: 'src/server/main.ts',
    env: {
      ...parleyEnv(port, database),
      // The one agent hears every message (and a conversation update with each) in a load
      // generator that is busy sending: past 1 MiB unread, the slow-reader guard would close its
      // socket, and every later delivery would be lost. The relay has no such guard.
      PARLEY_LIMIT_SOCKET_BUFFER_BYTES: String(AGENT_BUFFER_BYTES),
    },
    isReady: async () => (await fetch(`${url}/healthz`)).ok,
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    ...(profileDir ? { stopTimeoutMs: PROFILED_STOP_TIMEOUT_MS } : {}),
  });
  const { widgetKey, visitors } = await seedVisitors(database.url, visitorCount);
  const cookie = await login(url);

  return {
    name,
    pid: server.pid,
    stop: server.stop,
    output: server.output,
    connectAgent: async (onMessage) => {
      const socket: AgentSocket = io(`${url}${AGENT_NAMESPACE}`, {
        extraHeaders: { cookie, origin: url },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      await connected(socket);
      socket.on('message:new', (message) => {
        if (message.clientId) onMessage(message.clientId);
      });
      return { close: () => socket.close() };
    },
    connectVisitor: async (index) => {
      const visitor = visitors[index];
      if (!visitor) throw new Error(`only ${visitors.length} visitors were seeded`);
      const socket: VisitorSocket = io(`${url}${VISITOR_NAMESPACE}`, {
        auth: { siteKey: widgetKey, token: visitor.token },
        extraHeaders: { origin: SITE_ORIGIN },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      return visitorConnection(await connected(socket));
    },
  };
}

function visitorConnection(socket: VisitorSocket): VisitorConnection {
  return {
    close: () => socket.close(),
    send: async (clientId, body) => {
      // The ack comes after the commit: resolving here means "stored".
      const result = await socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('message:send', { clientId, body });
      if (!result.ok) throw new Error(result.error.code);
    },
  };
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no session cookie');
  return cookie;
}
