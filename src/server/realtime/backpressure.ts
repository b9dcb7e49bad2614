import type { FastifyBaseLogger } from 'fastify';
import type { Server } from 'socket.io';

/** The part of an Engine.IO socket this guard reads; typed here since engine.io keeps it loose. */
interface EngineSocket {
  id: string;
  readyState: string;
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): void;
  on(event: 'flush', listener: (packets: { data?: unknown }[]) => void): void;
  on(event: 'close', listener: () => void): void;
  close(discard?: boolean): void;
}

export interface BackpressureLimits {
  /** Unsent bytes one socket may hold; past this it is closed at once. */
  socketBufferBytes: number;
  /** A socket whose unsent data has not drained for this long is closed. */
  socketStallMs: number;
}

/** How often sockets are looked at for a stalled reader. */
const SWEEP_MS = 1000;

/**
 * Bounds what the server holds for clients that do not read: a WebSocket that stopped reading
 * (answering pings blindly keeps it "alive"), or a polling client that stopped polling. What waits
 * for one socket is Engine.IO's queue plus the WebSocket's own buffer; past the byte limit, or
 * when it has not drained for the stall time, the socket is closed and its memory freed. A client
 * that is merely slow reconnects and resumes from its last seq, like after any disconnect.
 */
export function guardBackpressure(
  io: Server,
  limits: BackpressureLimits,
  log: FastifyBaseLogger,
  clock: () => number = Date.now,
): () => void {
  const watched = new Map<EngineSocket, { queued: number; stuckSince: number | undefined }>();
  const sizes = new WeakMap<object, number>();

  const pending = (socket: EngineSocket): number =>
    (watched.get(socket)?.queued ?? 0) + (socket.transport.socket?.bufferedAmount ?? 0);

  const cut = (socket: EngineSocket, why: string): void => {
    if (!watched.delete(socket)) return;
    log.warn({ sid: socket.id, why, transport: socket.transport.name }, 'closed a slow reader');
    // A WebSocket's close handshake would wait behind the very data it cannot send.
    if (socket.transport.name === 'websocket') socket.transport.socket?.terminate?.();
    socket.close(true);
  };

  io.engine.on('connection', (socket: EngineSocket) => {
    const state = { queued: 0, stuckSince: undefined as number | undefined };
    watched.set(socket, state);
    socket.on('packetCreate', (packet) => {
      const size = sizeOf(packet.data);
      sizes.set(packet, size);
      state.queued += size;
      if (pending(socket) > limits.socketBufferBytes) cut(socket, 'buffer limit');
    });
    socket.on('flush', (packets) => {
      for (const packet of packets) state.queued -= sizes.get(packet) ?? 0;
    });
    socket.on('close', () => watched.delete(socket));
  });

  const sweep = setInterval(() => {
    const now = clock();
    for (const [socket, state] of watched) {
      if (pending(socket) === 0) state.stuckSince = undefined;
      else if (state.stuckSince === undefined) state.stuckSince = now;
      else if (now - state.stuckSince >= limits.socketStallMs) cut(socket, 'not draining');
    }
  }, SWEEP_MS);
  sweep.unref();
  return () => clearInterval(sweep);
}

/** Bytes of an encoded packet, near enough: UTF-16 units of a string, bytes of a buffer. */
function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
