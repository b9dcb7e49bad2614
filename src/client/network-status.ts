import type { Socket } from 'socket.io-client';

/** Where `online` and `offline` are fired: `window`, or an EventTarget of a test's own. */
type NetworkEvents = Pick<EventTarget, 'addEventListener'>;

/**
 * Follows the browser's network status for a Socket.IO socket, for the widget and the console.
 * Socket.IO notices a network that went away silently only when its heartbeat times out, some
 * 45 s later (its own `offline` handling skips localhost), and once the network is back it waits
 * out what is left of its backoff. So `offline` closes the connection at once, which the socket
 * reports as a disconnect and starts reconnecting from; `online` calls `reconnect` unless the
 * socket is connected. Returns a function that stops following.
 */
export function followNetworkStatus(
  socket: Socket,
  reconnect: () => void,
  target: NetworkEvents = window,
): () => void {
  const stop = new AbortController();
  const { signal } = stop;
  target.addEventListener('offline', () => socket.io.engine?.close(), { signal });
  target.addEventListener('online', () => socket.connected || reconnect(), { signal });
  return () => stop.abort();
}

/** A connection attempt now, instead of after what is left of Socket.IO's reconnection backoff. */
export function reconnectNow(socket: Socket): void {
  socket.disconnect().connect();
}
