import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErrorCode } from '../../protocol/errors';
import { createMemoryStorage, type KeyValueStorage } from '../../client/storage';
import { connectVisitor, type ConnectionStatus, type VisitorSocket } from './visitor-connection';
import {
  forgetIdentity,
  loadIdentity,
  saveIdentity,
  type VisitorIdentity,
} from './visitor-identity';

const SITE = 'site-1';

// Retries wait far longer than any test: a test that reconnects did so without waiting.
vi.mock('./retry-delay', () => ({ retryDelay: () => 600_000 }));

/** The server's /visitor handshake, reduced to the tokens it knows and how it refuses the rest. */
class FakeHandshakes {
  readonly known = new Set<string>();
  /** The token of every handshake, in order. */
  readonly tokens: string[] = [];
  emptyTokenRefusal: ErrorCode = 'unauthorized';
  /** Refuses every handshake with this code while set (a server in trouble). */
  refuseAllWith: ErrorCode | null = null;
  private readonly io = new Server(createServer());

  constructor() {
    this.io.of('/visitor').use((socket, next) => {
      const token = String(socket.handshake.auth.token);
      this.tokens.push(token);
      if (this.known.has(token) && !this.refuseAllWith) return next();
      const code = this.refuseAllWith ?? (token === '' ? this.emptyTokenRefusal : 'unauthorized');
      next(Object.assign(new Error(code), { data: { code, message: code } }));
    });
  }

  async listen(): Promise<string> {
    const http = this.io.httpServer;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  /** Drops every connection, as a network cut would: socket.io reconnects by itself. */
  cut(): void {
    for (const socket of this.io.of('/visitor').sockets.values()) socket.conn.close();
  }

  close(): Promise<void> {
    return new Promise((resolve) => void this.io.close(() => resolve()));
  }
}

describe('connectVisitor', () => {
  let server: FakeHandshakes;
  let storage: KeyValueStorage;
  let socket: VisitorSocket | undefined;
  let statuses: ConnectionStatus[];
  let replaced: number;
  let created: number;
  let browser: EventTarget;

  beforeEach(async () => {
    server = new FakeHandshakes();
    vi.stubGlobal('location', { origin: await server.listen() });
    browser = new EventTarget();
    vi.stubGlobal('window', browser);
    // POST /api/v1/widget/visitors: a new visitor whose token the server then knows.
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        created += 1;
        const token = `new-token-${created}`;
        server.known.add(token);
        return new Response(JSON.stringify({ visitorId: `v${created}`, token }), { status: 201 });
      }),
    );
    storage = createMemoryStorage();
    statuses = [];
    replaced = 0;
    created = 0;
  });

  afterEach(async () => {
    socket?.disconnect();
    vi.unstubAllGlobals();
    await server.close();
  });

  function connect(fallback?: VisitorIdentity): VisitorSocket {
    return connectVisitor(
      { siteKey: SITE, pageOrigin: 'https://shop.example', storage, fallback },
      {
        status: (status) => void statuses.push(status),
        connected: () => undefined,
        identityReplaced: () => void (replaced += 1),
      },
    );
  }

  it('gets a token first when there is none', async () => {
    socket = connect();
    await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });
    expect(server.tokens).toEqual(['new-token-1']);
    expect(loadIdentity(storage, SITE)?.token).toBe('new-token-1');
  });

  it.each<ErrorCode>(['invalid_payload', 'unauthorized'])(
    'carries on as a new visitor when site storage was cleared (an empty token refused with %s)',
    async (refusal) => {
      server.emptyTokenRefusal = refusal;
      server.known.add('old-token');
      saveIdentity(storage, SITE, { visitorId: 'v0', token: 'old-token' });
      socket = connect();
      await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });

      forgetIdentity(storage, SITE); // the visitor cleared the site's data; the page stays open
      server.cut();

      await vi.waitFor(() => expect(server.tokens).toHaveLength(3), { timeout: 5000 });
      await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });
      expect(server.tokens).toEqual(['old-token', '', 'new-token-1']);
      expect(loadIdentity(storage, SITE)?.token).toBe('new-token-1');
      expect(replaced).toBe(1);
      expect(statuses.at(-1)).toBe('connected');
    },
  );

  it('carries on as a new visitor when the server no longer knows the token', async () => {
    saveIdentity(storage, SITE, { visitorId: 'v0', token: 'forgotten-token' });
    socket = connect();
    await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });
    expect(server.tokens).toEqual(['forgotten-token', 'new-token-1']);
    expect(replaced).toBe(1);
  });

  it("keeps its own identity when the server knows it, not the loader's fallback", async () => {
    server.known.add('own-token').add('loader-token');
    saveIdentity(storage, SITE, { visitorId: 'v0', token: 'own-token' });
    socket = connect({ visitorId: 'v9', token: 'loader-token' });
    await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });
    expect(server.tokens).toEqual(['own-token']);
    expect(replaced).toBe(0);
  });

  it("goes on with the loader's fallback, not a new visitor, when its own is unknown", async () => {
    server.known.add('loader-token');
    saveIdentity(storage, SITE, { visitorId: 'v0', token: 'forgotten-token' });
    socket = connect({ visitorId: 'v9', token: 'loader-token' });
    await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });
    expect(server.tokens).toEqual(['forgotten-token', 'loader-token']);
    expect(loadIdentity(storage, SITE)).toEqual({ visitorId: 'v9', token: 'loader-token' });
    expect(created).toBe(0);
    expect(replaced).toBe(1);
  });

  it('tries a refused handshake again at once when the browser comes back online', async () => {
    server.known.add('token');
    saveIdentity(storage, SITE, { visitorId: 'v0', token: 'token' });
    server.refuseAllWith = 'internal';
    socket = connect();
    await vi.waitFor(() => expect(server.tokens).toEqual(['token']));
    expect(statuses.at(-1)).toBe('connecting');

    server.refuseAllWith = null;
    browser.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });
    expect(server.tokens).toEqual(['token', 'token']);
  });

  it('says the chat is unavailable, and stops knocking, once agents blocked the visitor', async () => {
    server.known.add('token');
    saveIdentity(storage, SITE, { visitorId: 'v0', token: 'token' });
    server.refuseAllWith = 'forbidden';
    socket = connect();

    await vi.waitFor(() => expect(statuses.at(-1)).toBe('unavailable'));
    browser.dispatchEvent(new Event('online'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.tokens).toEqual(['token']);
    expect(replaced).toBe(0);
  });

  it('shows the connection as lost as soon as the browser goes offline', async () => {
    server.known.add('token');
    saveIdentity(storage, SITE, { visitorId: 'v0', token: 'token' });
    socket = connect();
    await vi.waitFor(() => expect(socket?.connected).toBe(true), { timeout: 5000 });

    browser.dispatchEvent(new Event('offline'));
    expect(statuses.at(-1)).toBe('reconnecting');
  });
});
