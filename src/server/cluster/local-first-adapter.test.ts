import type { BroadcastOptions } from 'socket.io-adapter';
import { describe, expect, it } from 'vitest';
import { localFirst, type MendingReport } from './local-first-adapter';

/** Records what the wrapped cluster adapter was asked to do. */
class RecordingAdapter {
  readonly broadcasts: BroadcastOptions[] = [];
  readonly disconnects: { opts: BroadcastOptions; close: boolean }[] = [];
  broadcast(_packet: unknown, opts: BroadcastOptions) {
    this.broadcasts.push(opts);
  }
  disconnectSockets(opts: BroadcastOptions, close: boolean) {
    this.disconnects.push({ opts, close });
  }
}

function setUp() {
  let up = true;
  const recovered: (() => void)[] = [];
  const mends: MendingReport[] = [];
  const link = { isUp: () => up, onRecovered: (listener: () => void) => recovered.push(listener) };
  const inner = new RecordingAdapter();
  const factory = localFirst(
    () => inner,
    link,
    (report) => mends.push(report),
  );
  // Socket.IO constructs the adapter with `new`.
  const adapter = new (factory as unknown as new (nsp: { name: string }) => RecordingAdapter)({
    name: '/visitor',
  });
  return {
    adapter,
    inner,
    mends,
    down: () => (up = false),
    back: () => {
      up = true;
      recovered.forEach((listener) => listener());
    },
  };
}

const to = (...rooms: string[]): BroadcastOptions => ({ rooms: new Set(rooms), except: new Set() });

describe('a Redis adapter that delivers locally first', () => {
  it('publishes as usual while Redis is up', () => {
    const { adapter, inner } = setUp();
    adapter.broadcast({}, to('visitor:a'));
    expect(inner.broadcasts).toEqual([to('visitor:a')]);
  });

  it('delivers to this node only while Redis is down, then reconnects the rooms that missed it', () => {
    const { adapter, inner, mends, down, back } = setUp();
    down();
    adapter.broadcast({}, to('visitor:a'));
    adapter.broadcast({}, to('org:1:agents', 'visitor:b'));
    expect(inner.broadcasts.map((o) => o.flags?.local)).toEqual([true, true]);
    expect(inner.disconnects).toEqual([]);

    back();
    expect(inner.disconnects).toEqual([
      { opts: to('visitor:a', 'org:1:agents', 'visitor:b'), close: true },
    ]);
    expect(inner.disconnects[0]?.opts.flags?.local).toBeUndefined(); // every node's sockets
    expect(mends).toEqual([{ namespace: '/visitor', rooms: 3 }]);

    back(); // nothing missed since
    expect(inner.disconnects).toHaveLength(1);
  });

  it('reconnects the whole namespace after a broadcast to everyone was missed', () => {
    const { adapter, inner, mends, down, back } = setUp();
    down();
    adapter.broadcast({}, to());
    adapter.disconnectSockets(to('session:x'), true);
    expect(inner.disconnects).toEqual([
      { opts: { ...to('session:x'), flags: { local: true } }, close: true },
    ]);
    back();
    expect(inner.disconnects.at(-1)).toEqual({ opts: to(), close: true });
    expect(mends).toEqual([{ namespace: '/visitor', rooms: 'all' }]);
  });

  it('does nothing on recovery when nothing was broadcast meanwhile', () => {
    const { inner, mends, down, back } = setUp();
    down();
    back();
    expect(inner.disconnects).toEqual([]);
    expect(mends).toEqual([]);
  });
});
