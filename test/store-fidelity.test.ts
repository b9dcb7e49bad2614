/**
 * What each engine must store and compare exactly as the others do. Run on every engine by
 * `npm run test:db`; MySQL and MariaDB fail most of these with their default collation.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SEQ } from '../src/protocol/limits';
import type { Message, SyncResult, VisitorConversation } from '../src/protocol/schemas';
import { hashToken } from '../src/server/tokens';
import { startChat, type Chat } from './helpers/chat';
import { connected, login, request, requestOk, visitorSocket } from './helpers/clients';

let chat: Chat;
let server: Chat['server'];

beforeEach(async () => {
  chat = await startChat();
  server = chat.server;
});

afterEach(async () => {
  await chat.close();
});

const send = (body: string, clientId: string = randomUUID()) =>
  requestOk<{ message: Message }>(chat.widget, 'message:send', { clientId, body }).then(
    (r) => r.message,
  );

describe('identifiers compare byte for byte', () => {
  it('stores two messages for client ids that differ only in case', async () => {
    const upper = await send('first', 'Msg-A');
    const lower = await send('second', 'msg-a');

    expect(lower.id).not.toBe(upper.id);
    expect([upper.seq, lower.seq]).toEqual([1, 2]);
    expect(lower).toMatchObject({ clientId: 'msg-a', body: 'second' });
    const stored = await server.parley.db
      .selectFrom('messages')
      .select(['client_id', 'body'])
      .orderBy('seq')
      .execute();
    expect(stored).toEqual([
      { client_id: 'Msg-A', body: 'first' },
      { client_id: 'msg-a', body: 'second' },
    ]);
  });

  it('keeps agent client ids that differ only in case apart too', async () => {
    const { conversationId } = await send('hi');
    const reply = (clientId: string, body: string) =>
      requestOk<{ message: Message }>(chat.agent, 'message:send', {
        conversationId,
        clientId,
        body,
      });

    const a = await reply('Reply-1', 'one');
    const b = await reply('reply-1', 'two');

    expect(b.message.id).not.toBe(a.message.id);
    expect(b.message.seq).toBe(3);
  });

  it('knows a site key only as it was issued: not in another case, not with a trailing space', async () => {
    const { token } = chat.visitor;
    for (const siteKey of [server.widgetKey.toUpperCase(), `${server.widgetKey} `]) {
      if (siteKey === server.widgetKey) continue; // a key with no letters has no other case
      const refused = await connected(visitorSocket(server, { token, siteKey })).then(
        (s) => (s.close(), undefined),
        (e: Error & { data?: unknown }) => e.data,
      );
      expect(refused).toMatchObject({ code: 'unauthorized' });
    }
  });

  it('finds a token hash only in the case it was stored', async () => {
    const hash = hashToken(chat.visitor.token);
    const find = (tokenHash: string) =>
      server.parley.db
        .selectFrom('visitors')
        .select('id')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();

    expect(await find(hash)).toEqual({ id: chat.visitor.visitorId });
    expect(await find(hash.toUpperCase())).toBeUndefined();
  });
});

describe('text round-trips byte for byte', () => {
  it('stores and returns 4-byte emoji, Chinese and combining marks exactly', async () => {
    // Astral-plane emoji (4 bytes in UTF-8: MySQL's 3-byte "utf8" cannot hold them), a ZWJ
    // sequence, CJK, a combining accent and a musical symbol outside the BMP.
    const body = '你好，我的订单在哪里？😀👩‍👩‍👧‍👦 Café (e\u0301) 𝄞 💬';

    const sent = await send(body);
    const history = await requestOk<SyncResult<VisitorConversation>>(
      chat.widget,
      'conversation:sync',
      {
        afterSeq: 0,
      },
    );
    const stored = await server.parley.db
      .selectFrom('messages')
      .select('body')
      .where('id', '=', sent.id)
      .executeTakeFirstOrThrow();
    const conversation = await server.parley.db
      .selectFrom('conversations')
      .select('last_message_body')
      .executeTakeFirstOrThrow();

    const bytes = Buffer.from(body, 'utf8');
    expect(Buffer.from(sent.body, 'utf8').equals(bytes)).toBe(true);
    expect(Buffer.from(history.messages[0]!.body, 'utf8').equals(bytes)).toBe(true);
    expect(Buffer.from(stored.body, 'utf8').equals(bytes)).toBe(true);
    expect(conversation.last_message_body).toBe(body);
  });
});

describe('times', () => {
  it('keep their milliseconds and order as text the same way on every engine', async () => {
    const first = await send('one');
    const times = [
      '2024-02-29T23:59:59.999Z',
      '2024-03-01T00:00:00.000Z',
      '2024-03-01T00:00:00.001Z',
    ];
    // Rewrite three sessions' expiry to known times just apart, then compare them in SQL.
    const agentRow = await server.parley.db
      .selectFrom('agents')
      .select(['id', 'org_id'])
      .executeTakeFirstOrThrow();
    for (const [i, expires_at] of times.entries()) {
      await server.parley.db
        .insertInto('sessions')
        .values({
          token_hash: `t${i}`,
          agent_id: agentRow.id,
          org_id: agentRow.org_id,
          created_at: first.createdAt,
          expires_at,
        })
        .execute();
    }
    const after = await server.parley.db
      .selectFrom('sessions')
      .select('expires_at')
      .where('token_hash', 'in', ['t0', 't1', 't2'])
      .where('expires_at', '>', '2024-03-01T00:00:00.000Z')
      .execute();
    const ordered = await server.parley.db
      .selectFrom('sessions')
      .select('expires_at')
      .where('token_hash', 'in', ['t0', 't1', 't2'])
      .orderBy('expires_at', 'desc')
      .execute();

    expect(first.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(after.map((r) => r.expires_at)).toEqual(['2024-03-01T00:00:00.001Z']);
    expect(ordered.map((r) => r.expires_at)).toEqual([...times].reverse());
  });
});

describe('foreign keys', () => {
  it('refuse a message for a conversation that does not exist', async () => {
    const { orgId } = await server.parley.db
      .selectFrom('organizations')
      .select('id as orgId')
      .executeTakeFirstOrThrow();
    const orphan = server.parley.db
      .insertInto('messages')
      .values({
        id: randomUUID(),
        org_id: orgId,
        conversation_id: randomUUID(),
        seq: 1,
        client_id: 'orphan',
        author_type: 'system',
        author_id: null,
        author_name: null,
        body: 'nobody’s',
        internal: 0,
        created_at: new Date().toISOString(),
      })
      .execute();

    await expect(orphan).rejects.toThrow(/foreign key/i);
    const count = await server.parley.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('client_id', '=', 'orphan')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});

describe('input PostgreSQL cannot take is refused alike on every engine', () => {
  const refusal = (socket: Parameters<typeof connected>[0]) =>
    connected(socket).then(
      (s) => (s.close(), undefined),
      (e: Error & { data?: unknown }) => e.data,
    );

  it('refuses U+0000 in a message, an id and a site key, storing nothing', async () => {
    const { conversationId } = await send('hello');

    expect(
      await request(chat.widget, 'message:send', { clientId: 'nul', body: 'a\u0000b' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_text' },
    });
    expect(
      await request(chat.agent, 'conversation:sync', {
        conversationId: `${conversationId}\u0000`,
        afterSeq: 0,
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const siteKey = `${server.widgetKey}\u0000`;
    expect(
      await refusal(visitorSocket(server, { token: chat.visitor.token, siteKey })),
    ).toMatchObject({
      code: 'invalid_payload',
    });
    const stored = await server.parley.db.selectFrom('messages').select('body').execute();
    expect(stored).toEqual([{ body: 'hello' }]);
    expect(chat.widget.connected).toBe(true);
  });

  it('refuses a seq beyond any a conversation can reach, and takes the largest', async () => {
    const { conversationId } = await send('hello');
    const cookie = await login(server);

    const tooFar = await request(chat.widget, 'conversation:sync', { afterSeq: MAX_SEQ + 1 });
    const farthest = await request(chat.widget, 'conversation:sync', { afterSeq: MAX_SEQ });
    const rest = await fetch(
      `${server.url}/api/v1/conversations/${conversationId}/messages?afterSeq=${2 ** 50}`,
      { headers: { cookie } },
    );

    expect(tooFar).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(farthest).toMatchObject({ ok: true, data: { messages: [], hasMore: false } });
    expect(rest.status).toBe(400);
    expect(await rest.json()).toMatchObject({ error: { code: 'invalid_payload' } });
  });
});
