import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../../src/protocol/schemas';
import {
  agentSocket,
  collect,
  connectAgent,
  connectAwayAgent,
  connectVisitor,
  connected,
  createVisitor,
  login,
  nextEvent,
  request,
  requestOk,
  visitorSocket,
} from '../helpers/clients';
import { hashToken } from '../../src/server/tokens';
import { createOrganization } from '../helpers/factories';
import { GENEROUS_LIMITS, SITE_ORIGIN, startServer, type TestServer } from '../helpers/server';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await server.close();
});

/** The `data` of a refused handshake: `{ code, message }`. */
async function refusal(socket: Parameters<typeof connected>[0]): Promise<unknown> {
  const error = await connected(socket).then(
    () => undefined,
    (e: Error & { data?: unknown }) => e.data,
  );
  socket.close();
  return error;
}

describe('agent handshake', () => {
  it('refuses a socket without a session', async () => {
    expect(await refusal(agentSocket(server, undefined))).toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a made-up session cookie', async () => {
    expect(await refusal(agentSocket(server, 'parley_session=forged'))).toMatchObject({
      code: 'unauthorized',
    });
  });

  it('refuses a valid session from a foreign origin', async () => {
    const cookie = await login(server);
    expect(await refusal(agentSocket(server, cookie, 'https://evil.example'))).toMatchObject({
      code: 'forbidden_origin',
    });
  });

  it('refuses a malformed or null Origin without failing', async () => {
    const cookie = await login(server);
    for (const origin of ['null', 'not a url']) {
      expect(await refusal(agentSocket(server, cookie, origin))).toMatchObject({
        code: 'forbidden_origin',
      });
    }
  });

  it('ends a socket whose session has expired at its next event', async () => {
    let now = Date.now();
    await server.close();
    server = await startServer(undefined, {}, { clock: { now: () => now } });
    const token = 'short-lived-session-token';
    const agent = await server.parley.db.selectFrom('agents').selectAll().executeTakeFirstOrThrow();
    await server.parley.db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        agent_id: agent.id,
        org_id: agent.org_id,
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + 1000).toISOString(),
      })
      .execute();
    const socket = await connected(agentSocket(server, `parley_session=${token}`));
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    now += 1001; // the session's last second has passed

    const result = await request(socket, 'conversation:list', { status: 'open' });

    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await gone;
  });

  it('disconnects the sockets of a session that signs out', async () => {
    const cookie = await login(server);
    const socket = await connectAgent(server, cookie);
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));

    await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
    });

    await gone;
    expect(await refusal(agentSocket(server, cookie))).toMatchObject({ code: 'unauthorized' });
  });
});

describe('visitor handshake', () => {
  it('refuses a wrong token, a missing token and a wrong site key', async () => {
    expect(await refusal(visitorSocket(server, { token: 'nope' }))).toMatchObject({
      code: 'unauthorized',
    });
    expect(await refusal(visitorSocket(server, {}))).toMatchObject({ code: 'invalid_payload' });
    const { token } = await createVisitor(server);
    expect(await refusal(visitorSocket(server, { token, siteKey: 'other' }))).toMatchObject({
      code: 'unauthorized',
    });
  });

  it('refuses an origin the site does not allow, and a missing one', async () => {
    const { token } = await createVisitor(server);
    expect(await refusal(visitorSocket(server, { token }, 'https://evil.example'))).toMatchObject({
      code: 'forbidden_origin',
    });
    expect(await refusal(visitorSocket(server, { token }, null))).toMatchObject({
      code: 'forbidden_origin',
    });
  });

  it('accepts our own widget frame only for an allowed embedding page', async () => {
    const { token } = await createVisitor(server);
    const ownOrigin = server.url; // the frame is served by Parley itself
    expect(
      await refusal(
        visitorSocket(server, { token, pageOrigin: 'https://evil.example' }, ownOrigin),
      ),
    ).toMatchObject({ code: 'forbidden_origin' });
    const ok = await connected(
      visitorSocket(server, { token, pageOrigin: SITE_ORIGIN }, ownOrigin),
    );
    ok.close();
  });

  it('refuses to make visitor tokens for a foreign origin', async () => {
    const res = await fetch(`${server.url}/api/v1/widget/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ siteKey: server.widgetKey }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden_origin' } });
  });

  it('limits how many visitor tokens one address can make', async () => {
    // Its own server, so that the limit is small and the earlier tests' visitors do not count.
    const limit = 30;
    const limited = await startServer(undefined, {
      limits: { ...GENEROUS_LIMITS, addressVisitorsPerMinute: limit },
    });
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) {
      const res = await fetch(`${limited.url}/api/v1/widget/visitors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: SITE_ORIGIN },
        body: JSON.stringify({ siteKey: limited.widgetKey }),
      });
      statuses.push(res.status);
      if (res.status === 429)
        expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
    }
    await limited.close();
    expect(statuses.filter((s) => s === 201)).toHaveLength(limit);
    expect(statuses.at(-1)).toBe(429);
  });

  it('stores only a hash of the visitor token', async () => {
    const { visitorId, token } = await createVisitor(server);
    const row = await server.parley.db
      .selectFrom('visitors')
      .selectAll()
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    // 256 random bits, as promised: 32 bytes, in unpadded base64url.
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });
});

describe('one visitor and another', () => {
  it('cannot read or write the other visitor’s conversation', async () => {
    const alice = await connectVisitor(server, await createVisitor(server));
    const mallory = await connectVisitor(server, await createVisitor(server));
    const secret = await requestOk<{ message: Message }>(alice, 'message:send', {
      clientId: randomUUID(),
      body: 'my card ends 4242',
    });
    const conversationId = secret.message.conversationId;
    const malloryHears = collect(mallory, 'message:new');

    const read = await request(mallory, 'conversation:sync', { conversationId, afterSeq: 0 });
    const write = await request(mallory, 'message:send', {
      conversationId,
      clientId: randomUUID(),
      body: 'hi',
    });
    const receipt = await request(mallory, 'conversation:read', { conversationId, seq: 1 });
    const own = await requestOk<{ conversation: unknown; messages: Message[] }>(
      mallory,
      'conversation:sync',
      {
        afterSeq: 0,
      },
    );
    await requestOk(alice, 'message:send', { clientId: randomUUID(), body: 'second secret' });

    expect(read).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(write).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(receipt).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(own).toEqual({ conversation: null, messages: [], hasMore: false });
    // In seq order: without an ORDER BY, InnoDB returns rows by primary key (a random UUID).
    const stored = await server.parley.db
      .selectFrom('messages')
      .select('body')
      .orderBy('seq')
      .execute();
    expect(stored.map((m) => m.body)).toEqual(['my card ends 4242', 'second secret']);
    expect(malloryHears).toEqual([]);
    alice.close();
    mallory.close();
  });
});

describe('one organization and another', () => {
  it('keeps each organization’s conversations from the other’s agents', async () => {
    const other = { email: 'agent@other.test', password: 'another long password' };
    await createOrganization(server.parley.db, 'other', other, 'https://other.test');
    const widget = await connectVisitor(server, await createVisitor(server));
    const ours = await connectAwayAgent(server);
    const theirs = await connectAwayAgent(server, await login(server, other));
    const theyHear = collect(theirs, 'message:new');
    const weHear = nextEvent<Message>(ours, 'message:new');

    const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: randomUUID(),
      body: 'hello ours',
    });
    await weHear;
    const { conversationId } = message;

    const list = await requestOk<{ conversations: Conversation[] }>(theirs, 'conversation:list', {
      status: 'open',
    });
    expect(list.conversations).toEqual([]);
    for (const [event, payload] of [
      ['conversation:sync', { conversationId, afterSeq: 0 }],
      ['message:send', { conversationId, clientId: randomUUID(), body: 'x' }],
      ['conversation:resolve', { conversationId }],
      ['conversation:read', { conversationId, seq: 1 }],
      ['typing', { conversationId, typing: true }],
    ] as const) {
      expect(await request(theirs, event, payload)).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    }
    const cookie = await login(server, other);
    const rest = await fetch(`${server.url}/api/v1/conversations/${conversationId}/messages`, {
      headers: { cookie },
    });
    expect(rest.status).toBe(404);
    expect(theyHear).toEqual([]);
    const stored = await server.parley.db.selectFrom('messages').select('body').execute();
    expect(stored.map((m) => m.body)).toEqual(['hello ours']);
    for (const s of [widget, ours, theirs]) s.close();
  });
});
