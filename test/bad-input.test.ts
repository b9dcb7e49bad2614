import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../src/protocol/limits';
import type { Message, SyncResult, VisitorConversation } from '../src/protocol/schemas';
import {
  connectAwayAgent,
  connectVisitor,
  createVisitor,
  login,
  nextEvent,
  request,
  requestOk,
  type AgentSocket,
  type VisitorSocket,
} from './helpers/clients';
import { startServer, type TestServer } from './helpers/server';

let server: TestServer;
let widget: VisitorSocket;
let agent: AgentSocket;
let conversationId: string;

beforeEach(async () => {
  server = await startServer();
  widget = await connectVisitor(server, await createVisitor(server));
  agent = await connectAwayAgent(server);
  const first = await requestOk<{ message: Message }>(widget, 'message:send', {
    clientId: 'first',
    body: 'hello',
  });
  conversationId = first.message.conversationId;
});

afterEach(async () => {
  widget.close();
  agent.close();
  await server.close();
});

async function storedBodies(): Promise<string[]> {
  const rows = await server.parley.db
    .selectFrom('messages')
    .select('body')
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.body);
}

/** After a refusal the same connection still works, and nothing stored changed. */
async function expectUnharmed(): Promise<void> {
  expect(widget.connected).toBe(true);
  const sync = await requestOk<SyncResult<VisitorConversation>>(widget, 'conversation:sync', {
    afterSeq: 0,
  });
  expect(sync.messages.map((m) => m.body)).toEqual(['hello']);
  expect(await storedBodies()).toEqual(['hello']);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}

describe('bad realtime input', () => {
  it.each([
    [
      'a body over the limit',
      { clientId: 'x1', body: 'a'.repeat(MAX_MESSAGE_LENGTH + 1) },
      'message_too_long',
    ],
    ['a lone surrogate', { clientId: 'x2', body: 'broken \uD800 text' }, 'invalid_text'],
    ['a reversed surrogate pair', { clientId: 'x3', body: '\uDC00\uD800' }, 'invalid_text'],
    ['a number for a body', { clientId: 'x4', body: 42 }, 'invalid_payload'],
    ['an empty body', { clientId: 'x5', body: '   ' }, 'invalid_payload'],
    ['a missing client id', { body: 'hi' }, 'invalid_payload'],
    ['a client id with spaces', { clientId: 'a b', body: 'hi' }, 'invalid_payload'],
    ['a string payload', 'hello', 'invalid_payload'],
    ['a null payload', null, 'invalid_payload'],
    ['an array payload', [1, 2, 3], 'invalid_payload'],
  ])('refuses %s with a stable code', async (_name, payload, code) => {
    expect(await request(widget, 'message:send', payload)).toMatchObject({
      ok: false,
      error: { code },
    });
    await expectUnharmed();
  });

  it('accepts a body of exactly the limit, emoji and all', async () => {
    const body = '😀'.repeat(MAX_MESSAGE_LENGTH / 2);
    const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: 'max',
      body,
    });
    expect(message.body).toBe(body);
  });

  it('answers an unknown event name with unknown_event', async () => {
    expect(await request(widget, 'conversation:delete', { conversationId })).toMatchObject({
      ok: false,
      error: { code: 'unknown_event' },
    });
    expect(await request(agent, 'admin:drop-tables', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_event' },
    });
    await expectUnharmed();
  });

  it('refuses wrong types in agent events', async () => {
    for (const payload of [
      { conversationId: 7, clientId: 'a', body: 'x' },
      { conversationId, clientId: 'a', body: 'x', internal: 'yes' },
      { conversationId, afterSeq: -1 },
      { conversationId, afterSeq: 1.5 },
    ]) {
      const event = 'afterSeq' in payload ? 'conversation:sync' : 'message:send';
      expect(await request(agent, event, payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    await expectUnharmed();
  });

  it('answers an event sent with only a callback, and a read before any conversation', async () => {
    const untyped = widget as unknown as {
      timeout: (ms: number) => { emitWithAck: (e: string) => Promise<unknown> };
    };
    const ack = await untyped.timeout(5000).emitWithAck('message:send');
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const newcomer = await connectVisitor(server, await createVisitor(server));
    expect(await request(newcomer, 'conversation:read', { seq: 5 })).toEqual({
      ok: true,
      data: null,
    });
    newcomer.close();
  });

  it('survives events sent without an ack callback', async () => {
    const untyped = widget as unknown as { emit: (event: string, ...args: unknown[]) => void };
    untyped.emit('message:send', { clientId: 'no-ack', body: 'a'.repeat(MAX_MESSAGE_LENGTH + 1) });
    untyped.emit('no-such-event');
    await expectUnharmed();
  });

  it('slows a socket that floods events, without dropping it', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, () => request(widget, 'typing', { typing: true })),
    );
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toContain('rate_limited');
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(30);
    expect(widget.connected).toBe(true);
  });
});

describe('message bodies are text', () => {
  it('stores and delivers HTML exactly as typed', async () => {
    const html = '<img src=x onerror=alert(1)>';
    const arrived = nextEvent<Message>(agent, 'message:new', (m) => m.body === html);
    await requestOk(widget, 'message:send', { clientId: randomUUID(), body: html });
    expect((await arrived).body).toBe(html);
  });
});

describe('bad HTTP input', () => {
  it('answers malformed JSON, wrong types and oversized bodies with JSON errors', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url, ...headers },
        body,
      });
    const cases: [Response, number, string][] = [
      [await post('/api/v1/auth/login', '{"email":'), 400, 'invalid_payload'],
      [
        await post('/api/v1/auth/login', JSON.stringify({ email: 42, password: [] })),
        400,
        'invalid_payload',
      ],
      [
        await post('/api/v1/widget/visitors', JSON.stringify({ siteKey: 'x'.repeat(500_000) })),
        413,
        'invalid_payload',
      ],
      [
        await post('/api/v1/auth/login', '<email/>', { 'content-type': 'application/xml' }),
        415,
        'invalid_payload',
      ],
    ];
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
    }
    const cookie = await login(server);
    const tooLong = await post(
      `/api/v1/conversations/${conversationId}/messages`,
      JSON.stringify({ clientId: 'y', body: 'b'.repeat(MAX_MESSAGE_LENGTH + 1) }),
      { cookie },
    );
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: { code: 'message_too_long' } });
    await expectUnharmed();
  });

  it('answers an unknown route with a JSON not_found', async () => {
    const res = await fetch(`${server.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
