/**
 * A TCP proxy between a browser (or any client) and Parley that misbehaves on command, to test
 * what a visitor or an agent on a bad network sees: slow links, cut connections, stalls, and
 * middleboxes that refuse WebSockets. Point the client at `url`; everything else is forwarded
 * byte for byte, so the server sees the client's own Host and Origin headers.
 */
import net from 'node:net';

export interface ProxyOptions {
  /** Every chunk is held this long in each direction (order is kept). Default 0. */
  delayMs?: number;
  /**
   * Answers every WebSocket upgrade with `403` and forwards ordinary HTTP, like a corporate proxy
   * that blocks WebSockets. Only a connection's first request is looked at: browsers and `ws`
   * open a fresh connection for every WebSocket handshake.
   */
  refuseUpgrades?: boolean;
}

export interface FaultyProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Destroys every open connection at once, both sides; new connections are still accepted. */
  cut(): void;
  /** Stops forwarding bytes, without closing anything, on open and new connections alike. */
  stall(): void;
  /** Forwards again what a stall held back, and everything after it. */
  resume(): void;
  /** Changes the delay for the bytes that arrive from now on. */
  setDelay(ms: number): void;
  /** How many client connections are open now. */
  openConnections(): number;
  close(): Promise<void>;
}

const REFUSAL =
  'HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: 22\r\n\r\nWebSockets are blocked';

/** Starts a proxy on a free loopback port that forwards to `127.0.0.1:targetPort`. */
export async function startProxy(
  targetPort: number,
  options: ProxyOptions = {},
): Promise<FaultyProxy> {
  let delayMs = options.delayMs ?? 0;
  let stalled = false;
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();

  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (stalled) socket.pause();
  };

  /** Forwards `from` to `to`, each chunk (and the end) after the delay, in arrival order. */
  const forward = (from: net.Socket, to: net.Socket): void => {
    const queue: { due: number; act: () => void }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const drain = (): void => {
      timer = undefined;
      while (queue[0] && queue[0].due <= Date.now()) queue.shift()?.act();
      if (queue[0]) timer = setTimeout(drain, queue[0].due - Date.now());
    };
    const later = (act: () => void): void => {
      if (delayMs === 0 && queue.length === 0) return act();
      queue.push({ due: Math.max(queue.at(-1)?.due ?? 0, Date.now() + delayMs), act });
      timer ??= setTimeout(drain, delayMs);
    };
    from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)));
    from.on('end', () => later(() => to.end()));
    from.on('close', () => later(() => to.destroy()));
  };

  const connect = (client: net.Socket, head: Buffer): void => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(upstream);
    if (head.length > 0) upstream.write(head);
    forward(client, upstream);
    forward(upstream, client);
  };

  const server = net.createServer((client) => {
    track(client);
    clients.add(client);
    client.on('close', () => clients.delete(client));
    if (!options.refuseUpgrades) return connect(client, Buffer.alloc(0));
    // Read the request head before deciding, then hand the bytes read so far to the upstream.
    let head = Buffer.alloc(0);
    const readHead = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1 && head.length < 64 * 1024) return;
      client.off('data', readHead);
      const headers = head.subarray(0, end === -1 ? head.length : end).toString('latin1');
      if (/^upgrade:\s*websocket\s*$/im.test(headers)) {
        client.end(REFUSAL);
        return;
      }
      client.pause();
      connect(client, head);
      if (!stalled) client.resume();
    };
    client.on('data', readHead);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    stall: () => {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      stalled = false;
      for (const socket of sockets) socket.resume();
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    openConnections: () => clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
