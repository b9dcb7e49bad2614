/**
 * The smaller holes found beside the five findings: sessions revoked behind a live socket, HSTS
 * over plain HTTP, inline styles in the CSP, invisible messages, half-open connections, and
 * credentials without a lifetime or a cap.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/protocol/schemas';
import {
  connectAgent,
  connected,
  connectVisitor,
  createVisitor,
  login,
  request,
  requestOk,
  visitorSocket,
} from '../helpers/clients';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const DAY = 24 * 3600 * 1000;

describe('a live agent socket', () => {
  it('ends soon after its session is revoked or expired in the database', async () => {
    server = await startServer(undefined, { sessionCheckMs: 100 });
    const revoked = await connectAgent(server);
    const expired = await connectAgent(server);
    const gone = (s: typeof revoked) => new Promise((resolve) => s.once('disconnect', resolve));
    const bothGone = Promise.all([gone(revoked), gone(expired)]);
    const sessions = await server.parley.db
      .selectFrom('sessions')
      .select('token_hash')
      .orderBy('created_at')
      .execute();

    // Another node, an operator or a later admin screen changes the rows, not this process.
    await server.parley.db
      .deleteFrom('sessions')
      .where('token_hash', '=', sessions[0]!.token_hash)
      .execute();
    await server.parley.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', sessions[1]!.token_hash)
      .execute();

    await bothGone;
  });
});

describe('sessions per agent', () => {
  it('are capped: the eleventh sign-in ends the oldest session and its sockets', async () => {
    server = await startServer();
    const oldest = await login(server);
    const socket = await connectAgent(server, oldest);
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    const newer = [];
    for (let i = 0; i < 10; i++) newer.push(await login(server));

    await gone;
    const me = (cookie: string) =>
      fetch(`${server.url}/api/v1/me`, { headers: { cookie } }).then((r) => r.status);
    expect(await me(oldest)).toBe(401);
    for (const cookie of newer) expect(await me(cookie)).toBe(200);
  });
});

describe('visitor tokens', () => {
  it('expire after 90 days without a visit', async () => {
    server = await startServer();
    const visitor = await createVisitor(server);
    await server.parley.db
      .updateTable('visitors')
      .set({ last_seen_at: new Date(Date.now() - 91 * DAY).toISOString() })
      .where('id', '=', visitor.visitorId)
      .execute();

    await expect(connectVisitor(server, visitor)).rejects.toMatchObject({
      data: { code: 'unauthorized' },
    });
  });

  it('live on while the visitor keeps coming back', async () => {
    server = await startServer();
    const visitor = await createVisitor(server);
    const monthAgo = new Date(Date.now() - 30 * DAY).toISOString();
    await server.parley.db
      .updateTable('visitors')
      .set({ last_seen_at: monthAgo })
      .where('id', '=', visitor.visitorId)
      .execute();

    (await connectVisitor(server, visitor)).close();

    const row = await server.parley.db
      .selectFrom('visitors')
      .select('last_seen_at')
      .where('id', '=', visitor.visitorId)
      .executeTakeFirstOrThrow();
    expect(row.last_seen_at > monthAgo).toBe(true);
  });

  it('an empty token is an unknown visitor, not a malformed request', async () => {
    server = await startServer();
    const socket = visitorSocket(server, { token: '' });
    await expect(connected(socket)).rejects.toMatchObject({ data: { code: 'unauthorized' } });
  });
});

describe('HTTP headers', () => {
  it('send HSTS only over HTTPS', async () => {
    server = await startServer(undefined, { trustProxy: 1 });
    const plain = await fetch(`${server.url}/healthz`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const tls = await fetch(`${server.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d+; includeSubDomains/);
  });

  it('allow no inline styles or scripts in the console', async () => {
    server = await startServer();
    const csp = (await fetch(`${server.url}/healthz`)).headers.get('content-security-policy');
    expect(csp).toMatch(/style-src 'self'/);
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('message text', () => {
  it('of only invisible characters is empty', async () => {
    server = await startServer();
    const widget = await connectVisitor(server, await createVisitor(server));
    for (const body of ['\u200B\u200C\u200D', '\uFEFF \u2060\n', '\u202E\u2066\u2069', '\u00AD']) {
      expect(
        await request(widget, 'message:send', { clientId: 'x', body }),
        JSON.stringify(body),
      ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    // Joiners inside real text are part of it: a family emoji, a Persian half-space.
    const family = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: 'y',
      body: '👨\u200D👩\u200D👧 می\u200Cخواهم',
    });
    expect(family.message.body).toBe('👨\u200D👩\u200D👧 می\u200Cخواهم');
    widget.close();
  });
});

describe('half-open connections', () => {
  async function closedWithin(ms: number, write: (socket: net.Socket) => void): Promise<boolean> {
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.resume(); // read (and drop) whatever comes, so the server's close is seen
    await new Promise((resolve) => socket.once('connect', resolve));
    write(socket);
    const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms));
    const result = await Promise.race([closed, timeout]);
    socket.destroy();
    return result;
  }

  it('are closed when the request headers do not arrive in time', async () => {
    server = await startServer(undefined, { headersTimeoutMs: 500 });
    expect(await closedWithin(5000, () => {})).toBe(true);
    expect(await closedWithin(5000, (s) => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'))).toBe(
      true,
    );
  });
});
