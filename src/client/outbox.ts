import type { ErrorBody, ErrorCode } from '../protocol/errors';
import type { AckResult } from '../protocol/events';
import type { Message } from '../protocol/schemas';
import { isRecord } from './is-record';
import { newClientId } from './client-id';
import { coalesce } from './coalesce';
import { readJson, type KeyValueStorage } from './storage';

/** A message written here that the server has not acknowledged yet (the widget's, an agent's). */
export interface OutboxItem {
  clientId: string;
  body: string;
}

/** What became of one attempt to deliver an item. */
export type Delivery =
  | { status: 'delivered'; message: Message }
  /** The server refused it for good: sending it again cannot help. */
  | { status: 'rejected'; error: ErrorBody }
  /** Not delivered this time (timeout, disconnect, rate limit, server trouble): keep it and retry. */
  | { status: 'deferred' };

export type Deliver<Item extends OutboxItem = OutboxItem> = (item: Item) => Promise<Delivery>;

/**
 * The error codes after which the same send may still succeed (docs/protocol.md §6): nothing was
 * stored (`rate_limited`), or the outcome is unknown (`internal`). Timeouts and disconnects give
 * no ack at all and are deferred by the caller. Any other code, including one this widget does
 * not know yet, is final: retrying it forever would hold up every message queued behind it.
 */
const RETRYABLE_ERRORS: ReadonlySet<ErrorCode> = new Set(['rate_limited', 'internal']);

export function deliveryOf(ack: AckResult<{ message: Message }>): Delivery {
  if (ack.ok) return { status: 'delivered', message: ack.data.message };
  return RETRYABLE_ERRORS.has(ack.error.code)
    ? { status: 'deferred' }
    : { status: 'rejected', error: ack.error };
}

/**
 * Delivery invariant 5: every message is stored here before it is sent, and leaves only when the
 * server acknowledged or refused it, so it survives a reload. Items go one at a time, in order,
 * each waiting for its ack. The storage is the source of truth (never a cached copy), because
 * other tabs of the same site share it; a message both tabs send is deduplicated by its client id.
 */
export class Outbox<Item extends OutboxItem = OutboxItem> {
  readonly flush: () => Promise<boolean>;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
    private readonly deliver: Deliver<Item>,
    private readonly makeClientId: () => string = newClientId,
    /** Checks what the storage holds: anyone (another tab, an older version) may have written it. */
    private readonly isItem: (value: unknown) => value is Item = isOutboxItem as never,
  ) {
    this.flush = coalesce(() => this.deliverInOrder());
  }

  items(): Item[] {
    const stored = readJson(this.storage, this.key);
    return Array.isArray(stored) ? stored.filter(this.isItem) : [];
  }

  enqueue(fields: Omit<Item, 'clientId'>): Item {
    const item = { ...fields, clientId: this.makeClientId() } as Item;
    this.write([...this.items(), item]);
    return item;
  }

  /**
   * Drops items, e.g. once their server copies arrived by another way than their acks. Pass a
   * whole batch at once: it is one read and at most one write of the storage, whatever its size.
   */
  remove(...clientIds: string[]): void {
    if (clientIds.length === 0) return;
    const removed = new Set(clientIds);
    const items = this.items();
    const rest = items.filter((item) => !removed.has(item.clientId));
    if (rest.length !== items.length) this.write(rest);
  }

  /**
   * Puts back items the storage lost (site data cleared while the page stayed open), ahead of
   * those stored since, which were written after them. Items still stored are left as they are.
   */
  restore(items: readonly Item[]): void {
    const stored = this.items();
    const kept = new Set(stored.map((item) => item.clientId));
    const lost = items.filter((item) => !kept.has(item.clientId));
    if (lost.length > 0) this.write([...lost, ...stored]);
  }

  /** Resolves true when the outbox is empty, false when an item had to wait for a retry. */
  private async deliverInOrder(): Promise<boolean> {
    for (let next = this.items()[0]; next; next = this.items()[0]) {
      const delivery = await this.deliver(next);
      // A later item must not overtake this one, so the whole queue waits.
      if (delivery.status === 'deferred') return false;
      this.remove(next.clientId);
    }
    return true;
  }

  private write(items: Item[]): void {
    if (items.length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(items));
  }
}

export function isOutboxItem(value: unknown): value is OutboxItem {
  return isRecord(value) && typeof value.clientId === 'string' && typeof value.body === 'string';
}
