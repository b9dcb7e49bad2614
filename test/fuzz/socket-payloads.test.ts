import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/protocol/errors';
import type { AckResult } from '../../src/protocol/events';
import {
  connectAgent,
  connectVisitor,
  createVisitor,
  login,
  request,
  type VisitorCredentials,
} from '../helpers/clients';
import { startServer, type TestServer } from '../helpers/server';
import type { Socket } from 'socket.io-client';

let server: TestServer;
let visitor: VisitorCredentials;
let cookie: string;
/** Every message a send was acknowledged for, by id: what the store must hold, byte for byte. */
const acknowledged = new Map<string, string>();

beforeAll(async () => {
  server = await startServer();
  visitor = await createVisitor(server);
  cookie = await login(server);
});

afterAll(async () => {
  await server.close();
});

const VISITOR_EVENTS = ['message:send', 'conversation:sync', 'typing', 'conversation:read'];
const AGENT_EVENTS = [...VISITOR_EVENTS, 'conversation:list', 'conversation:resolve'];

/** Payloads that look almost right, and payloads that are anything at all. */
const payload = fc.oneof(
  fc.anything(),
  fc.record(
    {
      // Any code point (U+0000 too, which PostgreSQL refuses even in a lookup).
      conversationId: fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.integer(),
        fc.constant(null),
      ),
      clientId: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()),
      body: fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 50 }),
        fc.integer(),
      ),
      // Past 2^31 too: PostgreSQL refuses to compare an integer column with a larger number.
      afterSeq: fc.oneof(fc.integer(), fc.maxSafeNat(), fc.double(), fc.string()),
      seq: fc.oneof(fc.integer(), fc.maxSafeNat(), fc.string()),
      typing: fc.oneof(fc.boolean(), fc.string()),
      status: fc.oneof(fc.constantFrom('open', 'resolved', 'pending'), fc.string()),
      internal: fc.oneof(fc.boolean(), fc.integer()),
    },
    { requiredKeys: [] },
  ),
);

/** A pool of sockets used in turn, so the per-socket event budget never skews the outcome. */
function rotating(connect: () => Promise<Socket>): () => Promise<Socket> {
  let socket: Socket | undefined;
  let used = 0;
  return async () => {
    if (!socket || used >= 30) {
      socket?.close();
      socket = await connect();
      used = 0;
    }
    used++;
    return socket;
  };
}

function remember(data: unknown): void {
  const { message } = data as { message: { id: string; body: string } };
  acknowledged.set(message.id, message.body);
}

function expectWellFormed(result: AckResult<unknown>): void {
  if (result.ok) return;
  expect(ERROR_CODES).toContain(result.error.code);
  expect(typeof result.error.message).toBe('string');
  expect(result.error.code).not.toBe('internal');
}

describe('fuzzed realtime payloads', () => {
  it('always get a well-formed ack and never take the server down', async () => {
    const visitorSocket = rotating(() => connectVisitor(server, visitor));
    const agentSocket = rotating(() => connectAgent(server, cookie));
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.constantFrom(...AGENT_EVENTS, 'made:up'),
        payload,
        async (asAgent, event, body) => {
          const socket = asAgent ? await agentSocket() : await visitorSocket();
          const known = (asAgent ? AGENT_EVENTS : VISITOR_EVENTS).includes(event);
          const result = await request(socket, event, body);
          expectWellFormed(result);
          if (event === 'message:send' && result.ok) remember(result.data);
          if (!known) expect(result).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
        },
      ),
      { numRuns: 300 },
    );
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  }, 60_000);

  it('stores exactly what it acknowledged, and only well-formed text', async () => {
    // Bodies an engine could mangle, sent for sure (the fuzzed ones may all be refused).
    const socket = await connectVisitor(server, visitor);
    for (const body of [
      '👨‍👩‍👧 家族',
      'مرحبا! \u202Ehello',
      'e\u0301 \uFEFFzero',
      ' '.repeat(3) + 'x',
    ]) {
      const result = await request(socket, 'message:send', { clientId: randomUUID(), body });
      if (!result.ok) throw new Error(`refused: ${result.error.code}`);
      remember(result.data);
    }
    socket.close();

    const rows = await server.parley.db.selectFrom('messages').select(['id', 'body']).execute();
    const stored = new Map(rows.map((r) => [r.id, r.body]));
    expect(acknowledged.size).toBeGreaterThanOrEqual(4);
    for (const [id, body] of acknowledged) expect(stored.get(id), id).toBe(body);
    for (const body of stored.values()) expect(body.isWellFormed()).toBe(true);
  });
});
