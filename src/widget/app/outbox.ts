import type { ErrorBody, ErrorCode } from '../../protocol/errors';
import type { AckResult } from '../../protocol/events';
import type { Message } from '../../protocol/schemas';
import { newClientId } from './client-id';
import { coalesce } from './coalesce';
import { readJson, type KeyValueStorage } from './storage';

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string;
  body: string;
}

/** What became of one attempt to deliver an item. */
export type Delivery =
  | { status: 'delivered'; message: Message }
  /** The server refused the message itself: sending it again cannot help. */
  | { status: 'rejected'; error: ErrorBody }
  /** Not delivered this time (timeout, disconnect, rate limit, server trouble): keep it and retry. */
  | { status: 'deferred' };

export type Deliver = (item: OutboxItem) => Promise<Delivery>;

const PERMANENT_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'message_too_long',
  'invalid_text',
  'invalid_payload',
]);

export function deliveryOf(ack: AckResult<{ message: Message }>): Delivery {
  if (ack.ok) return { status: 'delivered', message: ack.data.message };
  return PERMANENT_ERRORS.has(ack.error.code)
    ? { status: 'rejected', error: ack.error }
    : { status: 'deferred' };
}

/**
 * Delivery invariant 5: every message is stored here before it is sent, and leaves only when the
 * server acknowledged or refused it, so it survives a reload. Items go one at a time, in order,
 * each waiting for its ack. The storage is the source of truth (never a cached copy), because
 * other tabs of the same site share it; a message both tabs send is deduplicated by its client id.
 */
export class Outbox {
  readonly flush: () => Promise<boolean>;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
    private readonly deliver: Deliver,
    private readonly makeClientId: () => string = newClientId,
  ) {
    this.flush = coalesce(() => this.deliverInOrder());
  }

  items(): OutboxItem[] {
    const stored = readJson(this.storage, this.key);
    return Array.isArray(stored) ? stored.filter(isOutboxItem) : [];
  }

  enqueue(body: string): OutboxItem {
    const item = { clientId: this.makeClientId(), body };
    this.write([...this.items(), item]);
    return item;
  }

  /** Drops an item, e.g. once the server's copy arrived by another way than its ack. */
  remove(clientId: string): void {
    const items = this.items();
    const rest = items.filter((item) => item.clientId !== clientId);
    if (rest.length !== items.length) this.write(rest);
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

  private write(items: OutboxItem[]): void {
    if (items.length === 0) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify(items));
  }
}

function isOutboxItem(value: unknown): value is OutboxItem {
  if (typeof value !== 'object' || value === null) return false;
  const { clientId, body } = value as Partial<Record<keyof OutboxItem, unknown>>;
  return typeof clientId === 'string' && typeof body === 'string';
}
