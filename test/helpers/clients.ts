/** Real socket.io-client connections and HTTP calls, as the widget and the console make them. */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { vi } from 'vitest';
import type {
  AckResult,
  AgentClientEvents,
  AgentServerEvents,
  VisitorClientEvents,
  VisitorServerEvents,
} from '../../src/protocol/events';
import { ADMIN, SITE_ORIGIN, type ServerEndpoint } from './server';

export type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

export interface VisitorCredentials {
  visitorId: string;
  token: string;
}

export async function createVisitor(
  server: ServerEndpoint,
  origin = SITE_ORIGIN,
  headers: Record<string, string> = {},
): Promise<VisitorCredentials> {
  const res = await fetch(`${server.url}/api/v1/widget/visitors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, ...headers },
    body: JSON.stringify({ siteKey: server.widgetKey }),
  });
  if (res.status !== 201) throw new Error(`visitor not created: ${res.status} ${await res.text()}`);
  return (await res.json()) as VisitorCredentials;
}

export function visitorSocket(
  server: ServerEndpoint,
  auth: Record<string, unknown>,
  /** null sends no Origin header at all, as a non-browser client would. */
  origin: string | null = SITE_ORIGIN,
  /** More handshake headers, e.g. the X-Forwarded-For a proxy would add. */
  headers: Record<string, string> = {},
): VisitorSocket {
  return io(`${server.url}/visitor`, {
    auth: { siteKey: server.widgetKey, ...auth },
    extraHeaders: { ...headers, ...(origin ? { origin } : {}) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** A visitor socket, connected: resolves on `connect`, rejects with the `connect_error`. */
export async function connectVisitor(
  server: ServerEndpoint,
  visitor: VisitorCredentials,
): Promise<VisitorSocket> {
  return connected(visitorSocket(server, { token: visitor.token }));
}

/** Signs in as the console does (from Parley's own origin) and returns the session cookie. */
export async function login(server: ServerEndpoint, credentials = ADMIN): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify(credentials),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] ?? '';
}

/** An agent socket as the console opens it: from Parley's own origin unless told (null: none). */
export function agentSocket(
  server: ServerEndpoint,
  cookie: string | undefined,
  origin: string | null = server.url,
): AgentSocket {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (origin !== null) headers.origin = origin;
  return io(`${server.url}/agent`, {
    extraHeaders: headers,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

export async function connectAgent(server: ServerEndpoint, cookie?: string): Promise<AgentSocket> {
  return connected(agentSocket(server, cookie ?? (await login(server))));
}

/**
 * An agent at the console who is away: routing gives them no new conversation, so a conversation
 * holds only what the test writes (routing's own tests make agents online). Away is chosen before
 * the console connects, so there is no moment online for routing to use.
 */
export async function connectAwayAgent(
  server: ServerEndpoint,
  cookie?: string,
): Promise<AgentSocket> {
  const session = cookie ?? (await login(server));
  const res = await fetch(`${server.url}/api/v1/presence`, {
    method: 'PUT',
    headers: { cookie: session, origin: server.url, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'away' }),
  });
  if (!res.ok) throw new Error(`PUT /api/v1/presence: ${res.status}`);
  return connectAgent(server, session);
}

export function connected<S extends Socket>(socket: S): Promise<S> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits an event and resolves with its ack; every event must be acknowledged within 5 s. */
export function request<T>(socket: Socket, event: string, payload: unknown): Promise<AckResult<T>> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<AckResult<T>>;
}

/** Like `request`, but fails the test unless the ack is `ok`. */
export async function requestOk<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const result = await request<T>(socket, event, payload);
  if (!result.ok) throw new Error(`${event} failed: ${result.error.code} ${result.error.message}`);
  return result.data;
}

/** The next `event` the socket receives (that matches `where`), within 5 s. */
export function nextEvent<T>(
  socket: Socket,
  event: string,
  where: (payload: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within 5 s`));
    }, 5000);
    const listener = (payload: T) => {
      if (!where(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Collects every `event` the socket receives from now on. */
export function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/**
 * The seqs a socket heard after a conversation's first message, sorted: the first message's own
 * push may come before or after the collecting began, so it is left out.
 */
export function seqsAfterFirst(heard: { seq: number }[]): number[] {
  return heard
    .map((m) => m.seq)
    .filter((seq) => seq > 1)
    .sort((a, b) => a - b);
}

/**
 * Everyone writes at once: in each of `rounds`, the visitor, the agent and every other writer
 * (called with the round's number) send one message, none waiting for another.
 */
export function writeAtOnce(
  rounds: number,
  widget: Socket,
  agent: Socket,
  conversationId: string,
  ...others: ((round: number) => Promise<unknown>)[]
): Promise<unknown[]> {
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < rounds; i++) {
    writes.push(requestOk(widget, 'message:send', { clientId: randomUUID(), body: `v${i}` }));
    writes.push(
      requestOk(agent, 'message:send', { conversationId, clientId: randomUUID(), body: `a${i}` }),
    );
    for (const other of others) writes.push(other(i));
  }
  return Promise.all(writes);
}

/** Retries `check` (an expectation) until it passes, instead of sleeping a fixed time. */
export const eventually = (check: () => unknown): Promise<unknown> =>
  vi.waitFor(check, { timeout: 15_000, interval: 20 });
