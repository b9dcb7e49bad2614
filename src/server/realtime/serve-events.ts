import type { FastifyBaseLogger } from 'fastify';
import type { Socket } from 'socket.io';
import type { Metrics } from '../core/metrics';
import { AppError } from '../errors';
import type { AckResult } from '../../protocol/events';
import type { ErrorBody } from '../../protocol/errors';
import { SOCKET_EVENT_RATE } from '../../protocol/limits';
import { parseInput } from '../validation';
import type { InFlight } from './in-flight';
import type { SocketEvents } from './socket-events';
import { TokenBucket } from './token-bucket';

export interface ServeOptions {
  /** Checked before every event; an error refuses the event and ends the connection. */
  authorize?: () => AppError | undefined;
  /** Told how each event ended (`ok` or an error code) and how long its ack took. */
  observe?: (event: string, outcome: string, seconds: number) => void;
  /** Counts the events being handled, for a stopping node to wait for. */
  inFlight?: InFlight;
}

/**
 * Serves a socket's events: rate limit, validate, run, and answer through the ack with
 * `{ ok: true, data }` or `{ ok: false, error }`. Nothing a client sends can throw out of here.
 */
export function serveEvents<Events, Identity>(
  socket: Socket,
  events: SocketEvents<Events, Identity>,
  identity: Identity,
  log: FastifyBaseLogger,
  options: ServeOptions = {},
): void {
  const bucket = new TokenBucket(SOCKET_EVENT_RATE);
  const handlers = events.entries();
  const known = new Set(handlers.map(([event]) => event));

  for (const [event, { schema, run }] of handlers) {
    socket.on(event, async (...args: unknown[]) => {
      const started = performance.now();
      // The ack is the last argument; an event sent with only a callback has no payload.
      const ack = args.at(-1);
      const answer =
        typeof ack === 'function' ? (ack as (r: AckResult<unknown>) => void) : () => {};
      const ended = options.inFlight?.begin();
      const reply = (result: AckResult<unknown>) => {
        ended?.();
        answer(result);
        const outcome = result.ok ? 'ok' : result.error.code;
        options.observe?.(event, outcome, (performance.now() - started) / 1000);
      };
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      if (!bucket.take())
        return reply(failure(new AppError('rate_limited', 'Too many events; slow down')));
      try {
        const refusal = options.authorize?.();
        if (refusal) {
          reply(failure(refusal));
          socket.disconnect(true);
          return;
        }
        reply({ ok: true, data: await run(identity, parseInput(schema, payload) as never) });
      } catch (error) {
        if (!(error instanceof AppError)) log.error({ err: error, event }, 'socket event failed');
        reply(failure(error));
      }
    });
  }

  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && known.has(event)) return;
    const ack = args.at(-1);
    if (typeof ack !== 'function') return;
    const error = bucket.take()
      ? new AppError('unknown_event', `Unknown event ${JSON.stringify(event)}`)
      : new AppError('rate_limited', 'Too many events; slow down');
    ack(failure(error));
  });
}

function failure(error: unknown): { ok: false; error: ErrorBody } {
  if (error instanceof AppError) return { ok: false, error: error.toBody() };
  return { ok: false, error: { code: 'internal', message: 'Something went wrong on our side' } };
}

/** A handshake refusal: the client's `connect_error` carries `data: { code, message }`. */
export function handshakeError(error: unknown): Error & { data: ErrorBody } {
  const body = failure(error).error;
  return Object.assign(new Error(body.message), { data: body });
}

/**
 * Drops the engine's reference to the handshake's HTTP request (about 4 KB a connection) once the
 * namespace has authenticated it; `socket.handshake` keeps the headers we still read. Our clients
 * open one namespace per connection, so no later handshake on this connection needs the request.
 */
export function releaseHandshakeRequest(socket: Socket): void {
  (socket.conn as unknown as { request: unknown }).request = null;
}

/** Counts a namespace's events by outcome and times their acks. */
export function observeEvents(metrics: Metrics, namespace: string): ServeOptions['observe'] {
  return (event, outcome, seconds) => {
    metrics.events.inc({ namespace, event, outcome });
    metrics.ackSeconds.observe({ namespace, event }, seconds);
  };
}
