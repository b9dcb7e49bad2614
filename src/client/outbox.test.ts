import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../protocol/errors';
import type { Message } from '../protocol/schemas';
import { Outbox, deliveryOf, type Deliver, type Delivery, type OutboxItem } from './outbox';
import { createMemoryStorage, type KeyValueStorage } from './storage';

const KEY = 'parley:outbox:site-1';

function serverCopy(item: OutboxItem, seq: number): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId: item.clientId,
    author: { type: 'visitor', id: 'v1', name: null },
    body: item.body,
    internal: false,
    meta: null,
    translations: [],
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

function sequentialIds(): () => string {
  let next = 0;
  return () => `id-${++next}`;
}

/** A deliver function that answers each item with the next scripted status, recording the calls. */
function scriptedDeliver(statuses: Delivery['status'][]) {
  const sent: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const deliver: Deliver = async (item) => {
    sent.push(item.body);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    const status = statuses.shift() ?? 'delivered';
    if (status === 'delivered') return { status, message: serverCopy(item, sent.length) };
    if (status === 'rejected') {
      return { status, error: { code: 'message_too_long', message: 'too long' } };
    }
    return { status };
  };
  return { deliver, sent, maxInFlight: () => maxInFlight };
}

function outboxOn(storage: KeyValueStorage, deliver: Deliver): Outbox {
  return new Outbox(storage, KEY, deliver, sequentialIds());
}

/** A memory storage that counts its reads and writes. */
function countingStorage() {
  const inner = createMemoryStorage();
  const counts = { reads: 0, writes: 0 };
  const storage: KeyValueStorage = {
    getItem: (key) => {
      counts.reads += 1;
      return inner.getItem(key);
    },
    setItem: (key, value) => {
      counts.writes += 1;
      inner.setItem(key, value);
    },
    removeItem: (key) => {
      counts.writes += 1;
      inner.removeItem(key);
    },
  };
  return { storage, counts };
}

describe('Outbox', () => {
  it('stores a message before anything is sent, and keeps it across a reload', () => {
    const storage = createMemoryStorage();
    const first = outboxOn(storage, scriptedDeliver([]).deliver);
    first.enqueue({ body: 'hello' });
    first.enqueue({ body: 'second' });

    const afterReload = outboxOn(storage, scriptedDeliver([]).deliver);
    expect(afterReload.items()).toEqual([
      { clientId: 'id-1', body: 'hello' },
      { clientId: 'id-2', body: 'second' },
    ]);
  });

  it('sends one item at a time, in order, and empties on success', async () => {
    const storage = createMemoryStorage();
    const script = scriptedDeliver([]);
    const outbox = outboxOn(storage, script.deliver);
    outbox.enqueue({ body: 'a' });
    outbox.enqueue({ body: 'b' });
    outbox.enqueue({ body: 'c' });

    await expect(outbox.flush()).resolves.toBe(true);
    expect(script.sent).toEqual(['a', 'b', 'c']);
    expect(script.maxInFlight()).toBe(1);
    expect(outbox.items()).toEqual([]);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('keeps a deferred item and everything after it, and resends it first next time', async () => {
    const script = scriptedDeliver(['delivered', 'deferred']);
    const outbox = outboxOn(createMemoryStorage(), script.deliver);
    outbox.enqueue({ body: 'a' });
    outbox.enqueue({ body: 'b' });
    outbox.enqueue({ body: 'c' });

    await expect(outbox.flush()).resolves.toBe(false);
    expect(script.sent).toEqual(['a', 'b']);
    expect(outbox.items().map((item) => item.body)).toEqual(['b', 'c']);

    await expect(outbox.flush()).resolves.toBe(true);
    expect(script.sent).toEqual(['a', 'b', 'b', 'c']);
  });

  it('drops a rejected item and goes on with the next', async () => {
    const script = scriptedDeliver(['rejected', 'delivered']);
    const outbox = outboxOn(createMemoryStorage(), script.deliver);
    outbox.enqueue({ body: 'far too long' });
    outbox.enqueue({ body: 'fine' });

    await expect(outbox.flush()).resolves.toBe(true);
    expect(script.sent).toEqual(['far too long', 'fine']);
    expect(outbox.items()).toEqual([]);
  });

  it('never overlaps flushes, and sends what was written during one in the same order', async () => {
    const script = scriptedDeliver([]);
    const outbox = outboxOn(createMemoryStorage(), script.deliver);
    outbox.enqueue({ body: 'a' });
    const first = outbox.flush();
    outbox.enqueue({ body: 'b' });
    const second = outbox.flush();

    await Promise.all([first, second]);
    expect(script.sent).toEqual(['a', 'b']);
    expect(script.maxInFlight()).toBe(1);
    expect(outbox.items()).toEqual([]);
  });

  it('skips an item removed because its server copy arrived another way', async () => {
    const script = scriptedDeliver([]);
    const outbox = outboxOn(createMemoryStorage(), script.deliver);
    const seen = outbox.enqueue({ body: 'already delivered' });
    outbox.enqueue({ body: 'next' });
    outbox.remove(seen.clientId);

    await outbox.flush();
    expect(script.sent).toEqual(['next']);
  });

  it('removes a batch of items with one read and one write', () => {
    const { storage, counts } = countingStorage();
    const outbox = outboxOn(storage, scriptedDeliver([]).deliver);
    for (const body of ['a', 'b', 'c', 'd']) outbox.enqueue({ body });
    counts.reads = 0;
    counts.writes = 0;

    outbox.remove('id-1', 'id-3', 'not-queued');
    expect(counts).toEqual({ reads: 1, writes: 1 });
    expect(outbox.items().map((item) => item.body)).toEqual(['b', 'd']);

    outbox.remove('id-2', 'id-4');
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('writes nothing when no item of the batch is queued, and reads nothing for an empty one', () => {
    const { storage, counts } = countingStorage();
    const outbox = outboxOn(storage, scriptedDeliver([]).deliver);
    outbox.enqueue({ body: 'a' });
    counts.reads = 0;
    counts.writes = 0;

    outbox.remove('not-queued', 'neither');
    expect(counts).toEqual({ reads: 1, writes: 0 });
    outbox.remove();
    expect(counts).toEqual({ reads: 1, writes: 0 });
    expect(outbox.items().map((item) => item.body)).toEqual(['a']);
  });

  it('keeps items another tab added to the same storage', () => {
    const storage = createMemoryStorage();
    const tabA = outboxOn(storage, scriptedDeliver([]).deliver);
    const tabB = new Outbox(storage, KEY, scriptedDeliver([]).deliver, () => 'from-b');
    tabA.enqueue({ body: 'from tab A' });
    tabB.enqueue({ body: 'from tab B' });
    expect(tabA.items().map((item) => item.body)).toEqual(['from tab A', 'from tab B']);
  });

  it('puts back items the storage lost, ahead of those stored since, and only those', () => {
    const storage = createMemoryStorage();
    const outbox = outboxOn(storage, scriptedDeliver([]).deliver);
    const [lost, kept] = [outbox.enqueue({ body: 'lost' }), outbox.enqueue({ body: 'kept' })];
    storage.setItem(KEY, JSON.stringify([kept]));
    const later = outbox.enqueue({ body: 'written after the clearing' });

    outbox.restore([lost, kept]);
    expect(outbox.items()).toEqual([lost, kept, later]);
  });

  it('recovers when a delivery throws, keeping the item for the next flush', async () => {
    let calls = 0;
    const outbox = outboxOn(createMemoryStorage(), async (item) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return { status: 'delivered', message: serverCopy(item, calls) };
    });
    outbox.enqueue({ body: 'survives' });

    await expect(outbox.flush()).rejects.toThrow('boom');
    expect(outbox.items().map((item) => item.body)).toEqual(['survives']);
    await expect(outbox.flush()).resolves.toBe(true);
  });

  it('treats unreadable storage as an empty outbox and ignores malformed entries', () => {
    const storage = createMemoryStorage();
    const outbox = outboxOn(storage, scriptedDeliver([]).deliver);
    storage.setItem(KEY, '{not json');
    expect(outbox.items()).toEqual([]);
    storage.setItem(KEY, JSON.stringify([{ clientId: 'ok', body: 'kept' }, { body: 1 }, null]));
    expect(outbox.items()).toEqual([{ clientId: 'ok', body: 'kept' }]);
  });
});

describe('deliveryOf', () => {
  const item = { clientId: 'id-1', body: 'hi' };

  it('delivers on an ok ack', () => {
    const message = serverCopy(item, 1);
    expect(deliveryOf({ ok: true, data: { message } })).toEqual({ status: 'delivered', message });
  });

  it.each([
    'message_too_long',
    'invalid_text',
    'invalid_payload',
    'not_found',
    'unauthorized',
    'forbidden_origin',
    'unknown_event',
    'a_code_added_later' as ErrorCode,
  ] as const)('rejects on %s, which a retry cannot fix', (code) => {
    const error = { code, message: 'no' };
    expect(deliveryOf({ ok: false, error })).toEqual({ status: 'rejected', error });
  });

  it.each(['rate_limited', 'internal'] as const)('defers on %s, to try again later', (code) => {
    expect(deliveryOf({ ok: false, error: { code, message: 'later' } })).toEqual({
      status: 'deferred',
    });
  });

  it('goes on with the next item after a not_found, instead of holding up the queue', async () => {
    const sent: string[] = [];
    const outbox = outboxOn(createMemoryStorage(), async (item) => {
      sent.push(item.body);
      return item.body === 'lost'
        ? deliveryOf({ ok: false, error: { code: 'not_found', message: 'gone' } })
        : { status: 'delivered', message: serverCopy(item, sent.length) };
    });
    outbox.enqueue({ body: 'lost' });
    outbox.enqueue({ body: 'next' });

    await expect(outbox.flush()).resolves.toBe(true);
    expect(sent).toEqual(['lost', 'next']);
    expect(outbox.items()).toEqual([]);
  });
});
