import type { z } from 'zod';
import type { AckResult } from '../../protocol/events';

/** What an event's ack is called with on success, read off a protocol event map. */
export type AckData<F> = F extends (payload: never, ack: infer A) => void
  ? NonNullable<A> extends (result: AckResult<infer T>) => void
    ? T
    : never
  : never;

export interface EventHandler<Identity> {
  schema: z.ZodType;
  run: (identity: Identity, payload: never) => Promise<unknown>;
}

/**
 * The client events of one namespace, each registered by the module it belongs to with its
 * payload schema and the service call it feeds (the payload's type flows from the schema, the
 * ack's from the protocol map). `assertComplete` at start makes a forgotten event a start error.
 */
export class SocketEvents<Events, Identity> {
  private readonly handlers = new Map<string, EventHandler<Identity>>();

  constructor(private readonly namespace: string) {}

  on<E extends keyof Events & string, S extends z.ZodType>(
    event: E,
    schema: S,
    run: (identity: Identity, payload: z.output<S>) => Promise<AckData<Events[E]>>,
  ): void {
    if (this.handlers.has(event)) throw new Error(`${this.namespace} ${event} is handled twice`);
    this.handlers.set(event, { schema, run: run as EventHandler<Identity>['run'] });
  }

  entries(): [string, EventHandler<Identity>][] {
    return [...this.handlers];
  }

  assertComplete(expected: readonly string[]): void {
    const missing = expected.filter((event) => !this.handlers.has(event));
    if (missing.length > 0) {
      throw new Error(`${this.namespace} has no handler for ${missing.join(', ')}`);
    }
  }
}
