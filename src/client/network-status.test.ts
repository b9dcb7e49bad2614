import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { followNetworkStatus, reconnectNow } from './network-status';

describe('followNetworkStatus', () => {
  let server: Server;
  let socket: Socket;
  let browser: EventTarget;
  let reconnects: number;
  let stop: () => void;

  beforeEach(async () => {
    server = new Server(createServer());
    await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = server.httpServer.address() as AddressInfo;
    // A heartbeat and a backoff far longer than any test: only the network events can act.
    socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnectionDelay: 600_000,
      reconnectionDelayMax: 600_000,
    });
    browser = new EventTarget();
    reconnects = 0;
    stop = followNetworkStatus(
      socket,
      () => {
        reconnects += 1;
        reconnectNow(socket);
      },
      browser,
    );
    await vi.waitFor(() => expect(socket.connected).toBe(true));
  });

  afterEach(async () => {
    socket.disconnect();
    await new Promise((resolve) => server.close(resolve));
  });

  it('drops the connection as soon as the browser goes offline', async () => {
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    browser.dispatchEvent(new Event('offline'));
    await disconnected;
    expect(socket.connected).toBe(false);
    expect(socket.active).toBe(true); // still reconnecting, by socket.io's backoff
  });

  it('reconnects at once when the browser is back online', async () => {
    // The connection breaks, as in a network cut: socket.io waits out its backoff.
    for (const connection of server.sockets.sockets.values()) connection.conn.close();
    await vi.waitFor(() => expect(socket.connected).toBe(false));
    expect(socket.active).toBe(true);

    browser.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(socket.connected).toBe(true), { timeout: 5000 });
    expect(reconnects).toBe(1);
  });

  it('leaves a working connection alone when the browser reports being online', () => {
    browser.dispatchEvent(new Event('online'));
    expect(reconnects).toBe(0);
    expect(socket.connected).toBe(true);
  });

  it('stops following once told to', async () => {
    stop();
    browser.dispatchEvent(new Event('offline'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.connected).toBe(true);
  });
});
