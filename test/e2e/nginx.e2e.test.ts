import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../helpers/database';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { DEFAULT_LIMITS } from '../../src/server/env';
import { ADMIN } from '../helpers/server';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';
import { startNginx, type RunningNginx } from './nginx';

/**
 * The shipped deploy/nginx/parley.conf in front of two Parley nodes on one PostgreSQL (or the
 * engine under test, but never SQLite, which one node owns) and the machine's Redis. The browser
 * knows only `https://parley.test:PORT`. The visitor's browser reaches nginx from 127.0.0.1 and
 * the agent's from ::1, which ip_hash sends to different nodes: every message crosses from one
 * node to the other through Redis, over WebSockets and then over long-polling alone.
 */
const HOST = 'parley.test';
const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const METRICS_TOKEN = 'nginx-e2e-metrics-token';

let database: TestDatabase;
const nodes: ServerProcess[] = [];
let nginx: RunningNginx;
let httpsPort: number;
let httpPort: number;
let publicUrl: string;
let visitorBrowser: Browser;
let agentBrowser: Browser;

beforeAll(async () => {
  [httpsPort, httpPort] = [await freePort(), await freePort()];
  publicUrl = `https://${HOST}:${httpsPort}`;
  database = await createTestDatabase(TEST_ENGINE === 'sqlite' ? 'postgres' : TEST_ENGINE);
  // One after the other: the first start migrates and seeds the database the second one finds.
  for (let i = 0; i < 2; i++) {
    nodes.push(
      await spawnServer(database, await freePort(), {
        publicUrl,
        env: {
          PARLEY_REDIS_URL: REDIS_URL,
          PARLEY_TRUST_PROXY: '1',
          PARLEY_METRICS_TOKEN: METRICS_TOKEN,
        },
      }),
    );
  }
  nginx = await startNginx({
    nodes: nodes.map((node) => new URL(node.url).host),
    httpsPort,
    httpPort,
    hostName: HOST,
  });
  // Two browsers, so that each reaches nginx from its own loopback address.
  visitorBrowser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  agentBrowser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} [::1]`]);
});

afterAll(async () => {
  await visitorBrowser?.close();
  await agentBrowser?.close();
  await nginx?.stop();
  for (const node of nodes) node.child.kill('SIGTERM');
  await Promise.all(nodes.map((node) => node.exited));
  await database?.drop();
});

interface NginxRequest {
  scheme?: 'http' | 'https';
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The loopback address the request comes from (and goes to): ip_hash picks the node by it. */
  from?: '127.0.0.1' | '::1';
}

/** A request to nginx as a browser would send it, verifying the certificate. */
function requestNginx({
  scheme = 'https',
  method = 'GET',
  path,
  headers = {},
  body,
  from = '127.0.0.1',
}: NginxRequest): Promise<{ status: number; location: string | undefined }> {
  const port = scheme === 'https' ? httpsPort : httpPort;
  const options = {
    host: from,
    port,
    method,
    path,
    headers: {
      host: `${HOST}:${port}`,
      ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      ...headers,
    },
    servername: HOST,
    ca: nginx.certificate,
  };
  return new Promise((resolve, reject) => {
    const request = (scheme === 'https' ? https : http).request(options, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, location: response.headers.location });
    });
    request.once('error', reject);
    request.end(body);
  });
}

/**
 * Run in every page and frame before its own scripts: a WebSocket that never connects, failing
 * as a blocked network makes it fail (an error, then a close), so Socket.IO in the widget's frame
 * and in the console must fall back to long-polling. (Deleting `WebSocket` is no test: the
 * client's synchronous throw is lost before its fallback listens.)
 */
const NO_WEBSOCKET = `
  globalThis.WebSocket = class BlockedWebSocket extends EventTarget {
    static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
    readyState = 0;
    constructor(url) {
      super();
      this.url = url;
      setTimeout(() => {
        this.readyState = 3;
        this.onerror?.(new Event('error'));
        this.onclose?.(new CloseEvent('close', { code: 1006, wasClean: false }));
      });
    }
    send() { throw new DOMException('WebSocket is blocked', 'InvalidStateError'); }
    close() {}
  };
`;

interface Session {
  visitorContext: BrowserContext;
  agentContext: BrowserContext;
  visitor: Page;
  agent: Page;
  /** URLs of the WebSockets the two pages (and the widget's frame) opened. */
  websockets: string[];
}

async function openSession(options: { websocketDisabled: boolean }): Promise<Session> {
  const contextOptions = { ignoreHTTPSErrors: true };
  const visitorContext = await visitorBrowser.newContext(contextOptions);
  const agentContext = await agentBrowser.newContext(contextOptions);
  if (options.websocketDisabled) {
    for (const context of [visitorContext, agentContext]) await context.addInitScript(NO_WEBSOCKET);
  }
  const visitor = await visitorContext.newPage();
  const agent = await agentContext.newPage();
  const websockets: string[] = [];
  for (const page of [visitor, agent]) page.on('websocket', (ws) => websockets.push(ws.url()));
  return { visitorContext, agentContext, visitor, agent, websockets };
}

async function closeSession(session: Session): Promise<void> {
  await session.visitorContext.close();
  await session.agentContext.close();
}

/** The visitor opens the widget, the agent the console; messages both ways, read receipt too. */
async function chatRoundTrip({ visitor, agent }: Session, tag: string): Promise<void> {
  await visitor.goto(`${publicUrl}/demo`);
  await (await visible(visitor.getByRole('button', { name: /open chat/i }))).click();
  const box = await visible(chatFrame(visitor).getByRole('textbox', { name: 'Message' }));
  await box.fill(`Hello through nginx (${tag})`);
  await box.press('Enter');
  await visible(chatFrame(visitor).getByText('Sent'));

  await signInToConsole(agent, publicUrl, ADMIN);
  await (await visible(agent.getByText(`Hello through nginx (${tag})`).first())).click();
  // The agent opened it on the other node: the visitor's message turns Read.
  await visible(
    chatFrame(visitor)
      .getByText(/\bRead\b/)
      .first(),
  );

  await box.fill(`Second message (${tag})`);
  await box.press('Enter');
  await visible(agent.getByText(`Second message (${tag})`).first());

  await (await visible(agent.getByRole('textbox', { name: 'Reply' }))).fill(`Answer (${tag})`);
  await agent.getByRole('button', { name: 'Send' }).click();
  await visible(chatFrame(visitor).getByText(`Answer (${tag})`));
}

/** The node (upstream address) that served each client's Socket.IO requests, per client address. */
function socketIoUpstreams(transport: 'polling' | 'websocket'): Map<string, Set<string>> {
  const byClient = new Map<string, Set<string>>();
  for (const line of nginx.accessLog()) {
    if (!line.request.includes('/socket.io/') || !line.request.includes(`transport=${transport}`))
      continue;
    const upstreams = byClient.get(line.client) ?? new Set<string>();
    upstreams.add(line.upstream);
    byClient.set(line.client, upstreams);
  }
  return byClient;
}

/**
 * `read()` once `done` holds for it, or as it is after 5 s: nginx logs a request when it ends, and
 * a WebSocket ends a moment after its page closed.
 */
async function eventually<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 50; i++) {
    const value = read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return read();
}

const ofBothClients = (upstreams: Map<string, Set<string>>) =>
  upstreams.has('127.0.0.1') && upstreams.has('::1');

const nodeHosts = () => nodes.map((node) => new URL(node.url).host);

describe('Parley behind the shipped nginx configuration', () => {
  it('redirects plain HTTP to HTTPS, keeping the path', async () => {
    const response = await requestNginx({ scheme: 'http', path: '/console?x=1' });
    expect(response.status).toBe(301);
    expect(response.location).toBe(`https://${HOST}/console?x=1`);
  });

  it('serves over HTTPS, and keeps /metrics to the nodes themselves', async () => {
    expect((await requestNginx({ path: '/healthz' })).status).toBe(200);
    const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };
    expect((await requestNginx({ path: '/metrics', headers: bearer })).status).toBe(404);
    const direct = await fetch(`${nodes[0]!.url}/metrics`, { headers: bearer });
    expect(direct.status).toBe(200);
  });

  it('refuses a body larger than the server takes, before it reaches a node', async () => {
    const response = await requestNginx({
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(129 * 1024),
    });
    expect(response.status).toBe(413);
  });

  it('limits the address nginx saw, whatever the client wrote into X-Forwarded-For', async () => {
    const { widgetKey } = await endpointOf(nodes[0]!, database);
    // The limit of new visitors a minute per address, refilled as they go: 20 more than it, asked at
    // once so that a slow machine's refill cannot hide it. Each claims another address of its own.
    const limit = DEFAULT_LIMITS.addressVisitorsPerMinute;
    const statuses = await Promise.all(
      Array.from({ length: limit + 20 }, async (_, i) => {
        const response = await requestNginx({
          method: 'POST',
          path: '/api/v1/widget/visitors',
          headers: {
            'content-type': 'application/json',
            origin: publicUrl,
            'x-forwarded-for': `203.0.113.${i % 250}`,
          },
          body: JSON.stringify({ siteKey: widgetKey }),
          from: '::1',
        });
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(limit);
    expect(statuses).toContain(429);
  });

  it('a visitor and an agent on different nodes chat over WebSockets', async () => {
    const session = await openSession({ websocketDisabled: false });
    try {
      await chatRoundTrip(session, 'websocket');
      expect(session.websockets.some((url) => url.startsWith(`wss://${HOST}:`))).toBe(true);
    } finally {
      await closeSession(session);
    }
    // The premise: ip_hash sent the visitor (127.0.0.1) and the agent (::1) to different nodes.
    const upstreams = await eventually(() => socketIoUpstreams('websocket'), ofBothClients);
    expect([...(upstreams.get('127.0.0.1') ?? [])]).toEqual([nodeHosts()[0]]);
    expect([...(upstreams.get('::1') ?? [])]).toEqual([nodeHosts()[1]]);
  });

  it('the same chat works over long-polling alone, each client kept on its node', async () => {
    const websocketsBefore = socketIoUpstreams('websocket');
    const session = await openSession({ websocketDisabled: true });
    try {
      await chatRoundTrip(session, 'polling');
      expect(session.websockets).toEqual([]);
    } finally {
      await closeSession(session);
    }
    expect(socketIoUpstreams('websocket')).toEqual(websocketsBefore);
    // Every polling request of a client went to the same node, so none was refused as an
    // unknown session, which a request reaching the other node would have been.
    const upstreams = await eventually(() => socketIoUpstreams('polling'), ofBothClients);
    expect([...(upstreams.get('127.0.0.1') ?? [])]).toEqual([nodeHosts()[0]]);
    expect([...(upstreams.get('::1') ?? [])]).toEqual([nodeHosts()[1]]);
    // 499: a long-poll still waiting when the test closed the pages.
    const refused = nginx
      .accessLog()
      .filter(
        (line) =>
          line.request.includes('transport=polling') && line.status >= 400 && line.status !== 499,
      );
    expect(refused).toEqual([]);
  });

  // Last: it stops a node.
  it("when the visitor's node stops, nginx sends the visitor to the other one and the chat goes on", async () => {
    const session = await openSession({ websocketDisabled: false });
    let stoppedAt = 0;
    try {
      await chatRoundTrip(session, 'before the stop');
      const { visitor, agent } = session;
      const visitorNode = nodes[0]!;
      visitorNode.child.kill('SIGTERM');
      await visitorNode.exited;
      stoppedAt = nginx.accessLog().length;

      const box = chatFrame(visitor).getByRole('textbox', { name: 'Message' });
      await box.fill('Still there after the restart?');
      await box.press('Enter');
      await visible(agent.getByText('Still there after the restart?').first());
      await agent.getByRole('textbox', { name: 'Reply' }).fill('Yes, from the other node.');
      await agent.getByRole('button', { name: 'Send' }).click();
      await visible(chatFrame(visitor).getByText('Yes, from the other node.'));
    } finally {
      await closeSession(session);
    }
    // The visitor's address now hashes past the stopped node to the one still running.
    const visitorSocketsAfter = () =>
      nginx
        .accessLog()
        .slice(stoppedAt)
        .filter((line) => line.client === '127.0.0.1' && line.request.includes('/socket.io/'))
        .map((line) => line.upstream);
    const upstreams = await eventually(visitorSocketsAfter, (list) =>
      list.some((upstream) => upstream.endsWith(nodeHosts()[1]!)),
    );
    expect(upstreams.some((upstream) => upstream.endsWith(nodeHosts()[1]!))).toBe(true);
  });
});
