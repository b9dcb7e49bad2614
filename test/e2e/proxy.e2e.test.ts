import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVisitor } from '../helpers/clients';
import { SITE_ORIGIN, startServer, type TestServer } from '../helpers/server';
import { startProxy, type FaultyProxy } from './proxy';

/** The fault proxy the browser tests rely on does what it says, with a plain socket.io client. */
let server: TestServer;
let proxy: FaultyProxy | undefined;
let socket: Socket | undefined;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.close();
});

afterEach(async () => {
  socket?.close();
  await proxy?.close();
});

const targetPort = (): number => Number(new URL(server.url).port);

async function visitorThrough(
  proxied: FaultyProxy,
  transports: ('websocket' | 'polling')[],
): Promise<Socket> {
  const { token } = await createVisitor(server);
  return io(`${proxied.url}/visitor`, {
    auth: { siteKey: server.widgetKey, token },
    extraHeaders: { origin: SITE_ORIGIN },
    transports,
    tryAllTransports: true,
    reconnection: false,
    forceNew: true,
  });
}

const connectedOrRefused = (client: Socket) =>
  new Promise<string>((resolve) => {
    client.once('connect', () => resolve(client.io.engine.transport.name));
    client.once('connect_error', (error) => resolve(`refused: ${error.message}`));
  });

describe('the fault proxy', () => {
  it('forwards HTTP and WebSockets', async () => {
    proxy = await startProxy(targetPort());
    expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
    socket = await visitorThrough(proxy, ['websocket']);
    expect(await connectedOrRefused(socket)).toBe('websocket');
  });

  it('refuses WebSocket upgrades but forwards long-polling', async () => {
    proxy = await startProxy(targetPort(), { refuseUpgrades: true });
    const websocketOnly = await visitorThrough(proxy, ['websocket']);
    expect(await connectedOrRefused(websocketOnly)).toMatch(/^refused/);
    websocketOnly.close();

    socket = await visitorThrough(proxy, ['websocket', 'polling']);
    expect(await connectedOrRefused(socket)).toBe('polling');
  });

  it('cuts every open connection', async () => {
    proxy = await startProxy(targetPort());
    socket = await visitorThrough(proxy, ['websocket']);
    await connectedOrRefused(socket);
    const disconnected = new Promise((resolve) => socket?.once('disconnect', resolve));
    proxy.cut();
    expect(await disconnected).toBe('transport close');
  });

  it('holds bytes back while stalled and delivers them on resume', async () => {
    proxy = await startProxy(targetPort());
    proxy.stall();
    let settled = false;
    const response = fetch(`${proxy.url}/healthz`).finally(() => (settled = true));
    while (proxy.openConnections() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    proxy.resume();
    expect((await response).status).toBe(200);
  });

  it('delays bytes and keeps their order', async () => {
    const echo = http.createServer((req, res) => void req.pipe(res));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startProxy((echo.address() as AddressInfo).port, { delayMs: 20 });
    // Big enough to cross the proxy in many chunks, each one its own delayed write.
    const body = Array.from({ length: 50_000 }, (_, i) => String(i)).join(',');
    const response = await fetch(proxy.url, { method: 'POST', body });
    expect(await response.text()).toBe(body);
    echo.close();
  });
});
