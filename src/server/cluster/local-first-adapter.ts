/**
 * Wraps the Redis Streams adapter so that a Redis outage never holds up this node's own sockets.
 *
 * The cluster adapter awaits the XADD of a broadcast before it delivers locally; with Redis away
 * that XADD waits in ioredis's offline queue, so even the agents on the sender's own node would
 * see nothing until Redis returned. While the link is down we deliver locally only, remember the
 * rooms the other nodes did not hear about, and once the link is back we disconnect the sockets
 * in those rooms on every node: the widget and the console catch up from their seq cursor on
 * each reconnect, so the fan-out they missed reaches them from the database, once.
 */
import type { BroadcastOptions, Room } from 'socket.io-adapter';

/** The part of a cluster adapter we wrap (socket.io-adapter's ClusterAdapter). */
interface ClusterAdapterLike {
  broadcast(packet: unknown, opts: BroadcastOptions): Promise<void> | void;
  disconnectSockets(opts: BroadcastOptions, close: boolean): Promise<void> | void;
}

/** Above this many rooms to mend, the whole namespace reconnects instead (bounded memory). */
const MAX_MISSED_ROOMS = 10_000;

export interface LinkState {
  /** True while broadcasts can be published (the publishing Redis connection is ready). */
  isUp(): boolean;
  /** Calls `listener` each time the link comes back after being down. */
  onRecovered(listener: () => void): void;
}

export interface MendingReport {
  namespace: string;
  /** The rooms whose sockets were told to reconnect; empty: the whole namespace. */
  rooms: number | 'all';
}

/** Wraps an adapter factory (`createAdapter(…)`'s result) as described above. */
export function localFirst<F extends (nsp: { name: string }) => ClusterAdapterLike>(
  factory: F,
  link: LinkState,
  onMend: (report: MendingReport) => void,
): F {
  // Socket.IO calls the factory with `new`: a function (not an arrow) that returns the adapter.
  return function adapterFor(nsp: { name: string }) {
    const adapter = factory(nsp);
    const broadcast = adapter.broadcast.bind(adapter);
    const disconnectSockets = adapter.disconnectSockets.bind(adapter);
    const local = (opts: BroadcastOptions): BroadcastOptions => ({
      ...opts,
      flags: { ...opts.flags, local: true },
    });
    // null: everyone in the namespace may have missed something.
    let missed: Set<Room> | null = new Set();
    let dirty = false;
    const remember = (opts: BroadcastOptions) => {
      dirty = true;
      if (missed === null) return;
      if (opts.rooms.size === 0) missed = null;
      else for (const room of opts.rooms) missed.add(room);
      if (missed !== null && missed.size > MAX_MISSED_ROOMS) missed = null;
    };

    adapter.broadcast = (packet, opts) => {
      if (opts.flags?.local || link.isUp()) return broadcast(packet, opts);
      remember(opts);
      return broadcast(packet, local(opts));
    };
    adapter.disconnectSockets = (opts, close) => {
      if (opts.flags?.local || link.isUp()) return disconnectSockets(opts, close);
      remember(opts);
      return disconnectSockets(local(opts), close);
    };

    link.onRecovered(() => {
      if (!dirty) return;
      const rooms = missed;
      missed = new Set();
      dirty = false;
      onMend({ namespace: nsp.name, rooms: rooms === null ? 'all' : rooms.size });
      void disconnectSockets({ rooms: rooms ?? new Set(), except: new Set() }, true);
    });
    return adapter;
  } as F;
}
