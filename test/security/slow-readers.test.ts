/**
 * Finding 5: raw WebSockets of one visitor that stop reading (answering pings blindly) while
 * messages flow made the server buffer without bound (169 → 276 MB in 45 s). What the server
 * buffers per socket is now bounded, and so are the connections per visitor and per address.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_LENGTH } from '../../src/protocol/limits';
import { DEFAULT_LIMITS, type Config } from '../../src/server/env';
import {
  connected,
  createVisitor,
  login,
  visitorSocket,
  type VisitorCredentials,
} from '../helpers/clients';
import { isSession, openPolling } from '../helpers/engine-io';
import { SITE_ORIGIN, startServer, type TestServer } from '../helpers/server';

let server: TestServer;
const closers: (() => void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await server.close();
});

async function start(limits: Partial<Config['limits']> = {}) {
  server = await startServer(undefined, { limits: { ...DEFAULT_LIMITS, ...limits } });
}

/** A raw visitor WebSocket that joined `/visitor` and wrote once; then it can stop reading. */
async function rawVisitor(visitor: VisitorCredentials) {
  const ws = new WebSocket(
    `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`,
    {
      headers: { origin: SITE_ORIGIN },
    },
  );
  closers.push(() => ws.terminate());
  const frames: string[] = [];
  const waiters: ((frame: string) => void)[] = [];
  ws.on('message', (data) => {
    const frame = String(data);
    if (frame === '2') return ws.send('3'); // pong
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const next = () =>
    new Promise<string>((resolve) => {
      const frame = frames.shift();
      if (frame !== undefined) resolve(frame);
      else waiters.push(resolve);
    });
  await next(); // engine open packet
  ws.send(`40/visitor,${JSON.stringify({ siteKey: server.widgetKey, token: visitor.token })}`);
  expect(await next()).toMatch(/^40\/visitor,/);
  ws.send(
    `42/visitor,1${JSON.stringify(['message:send', { clientId: randomUUID(), body: 'hello' }])}`,
  );
  let ack = await next();
  while (!ack.startsWith('43/visitor,1')) ack = await next(); // pushes may come first
  const conversationId = /"conversationId":"([^"]+)"/.exec(ack)?.[1];
  if (!conversationId) throw new Error(`no conversation in ${ack}`);
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return {
    conversationId,
    closed,
    /** Stop reading the TCP stream, but keep answering pings without looking, for ever. */
    stopReading() {
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const pongs = setInterval(() => ws.readyState === ws.OPEN && ws.send('3'), 5000);
      closers.push(() => clearInterval(pongs));
    },
  };
}

function visitorSocketsOnServer(): number {
  return server.parley.io.of('/visitor').sockets.size;
}

describe('a visitor socket that stops reading', () => {
  it('is closed once its unsent data passes the limit, instead of growing server memory', async () => {
    await start({ socketBufferBytes: 1024 * 1024 });
    const reader = await rawVisitor(await createVisitor(server));
    reader.stopReading();
    const cookie = await login(server);
    const body = 'x'.repeat(MAX_MESSAGE_LENGTH);
    const post = () =>
      fetch(`${server.url}/api/v1/conversations/${reader.conversationId}/messages`, {
        method: 'POST',
        headers: { cookie, origin: server.url, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: randomUUID(), body }),
      });

    // Up to 30 MB in 10 KB messages: far more than the kernel's socket buffers can hold.
    let sentBytes = 0;
    while (visitorSocketsOnServer() > 0 && sentBytes < 30 * 1024 * 1024) {
      await Promise.all(Array.from({ length: 10 }, post));
      sentBytes += 10 * body.length;
    }

    expect(visitorSocketsOnServer()).toBe(0);
    expect(sentBytes).toBeLessThan(30 * 1024 * 1024);
  });

  it('is closed when what it was sent has not drained for the stall time', async () => {
    await start({ socketBufferBytes: 1024 * 1024 * 1024, socketStallMs: 1000 });
    const reader = await rawVisitor(await createVisitor(server));
    reader.stopReading();
    const cookie = await login(server);
    const body = 'x'.repeat(MAX_MESSAGE_LENGTH);
    // 8 MB: more than the kernel buffers take, so some waits in the server, and stays there.
    for (let sent = 0; sent < 800 && visitorSocketsOnServer() > 0; sent += 10) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${server.url}/api/v1/conversations/${reader.conversationId}/messages`, {
            method: 'POST',
            headers: { cookie, origin: server.url, 'content-type': 'application/json' },
            body: JSON.stringify({ clientId: randomUUID(), body }),
          }),
        ),
      );
    }
    for (let waited = 0; waited < 5000 && visitorSocketsOnServer() > 0; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(visitorSocketsOnServer()).toBe(0);
  });

  it('counts what a polling client never collects, too', async () => {
    await start({ socketBufferBytes: 256 * 1024 });
    const visitor = await createVisitor(server);
    const session = await openPolling(server.url, { origin: SITE_ORIGIN });
    if (!isSession(session)) throw new Error(`engine handshake refused: ${session.status}`);
    await session.post(
      `40/visitor,${JSON.stringify({ siteKey: server.widgetKey, token: visitor.token })}`,
    );
    expect((await session.poll())[0]).toMatch(/^40\/visitor,/);
    await session.post(
      `42/visitor,1${JSON.stringify(['message:send', { clientId: randomUUID(), body: 'hello' }])}`,
    );
    let ack: string | undefined;
    while (!ack) ack = (await session.poll()).find((packet) => packet.startsWith('43/visitor,1'));
    const conversationId = /"conversationId":"([^"]+)"/.exec(ack)?.[1];
    if (!conversationId) throw new Error(`no conversation in ${ack}`);

    // From now on the client never polls again: what the server sends waits in its queue.
    const cookie = await login(server);
    for (let i = 0; i < 40 && visitorSocketsOnServer() > 0; i++) {
      await fetch(`${server.url}/api/v1/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { cookie, origin: server.url, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: randomUUID(), body: 'x'.repeat(MAX_MESSAGE_LENGTH) }),
      });
    }

    expect(visitorSocketsOnServer()).toBe(0);
  });
});

describe('connections', () => {
  it('are capped per visitor', async () => {
    await start({ visitorConnections: 3 });
    const visitor = await createVisitor(server);
    const outcomes: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = visitorSocket(server, { token: visitor.token }, SITE_ORIGIN);
      closers.push(() => socket.close());
      outcomes.push(
        await connected(socket).then(
          () => 'connected',
          (e: { data?: unknown }) => e.data,
        ),
      );
    }
    expect(outcomes.slice(0, 3)).toEqual(['connected', 'connected', 'connected']);
    expect(outcomes[3]).toMatchObject({ code: 'too_many_connections' });
  });

  it('are capped per address, and a closed one frees its place', async () => {
    await start({ addressConnections: 2 });
    const open = async () => {
      const socket = visitorSocket(
        server,
        { token: (await createVisitor(server)).token },
        SITE_ORIGIN,
      );
      closers.push(() => socket.close());
      return connected(socket).then(
        () => socket,
        (e: { data?: unknown }) => e.data,
      );
    };
    const first = await open();
    await open();
    expect(await open()).toMatchObject({ code: 'too_many_connections' });
    (first as { close(): void }).close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await open()).toHaveProperty('connected', true);
  });
});
