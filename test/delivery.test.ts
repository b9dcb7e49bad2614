import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Conversation,
  Message,
  SyncResult,
  VisitorConversation,
} from '../src/protocol/schemas';
import {
  collect,
  connectAwayAgent,
  connectVisitor,
  createVisitor,
  login,
  nextEvent,
  requestOk,
  type AgentSocket,
  type VisitorCredentials,
  type VisitorSocket,
} from './helpers/clients';
import { startServer, type TestServer } from './helpers/server';

let server: TestServer;
let visitor: VisitorCredentials;
let widget: VisitorSocket;
let agent: AgentSocket;

beforeEach(async () => {
  server = await startServer();
  visitor = await createVisitor(server);
  widget = await connectVisitor(server, visitor);
  agent = await connectAwayAgent(server);
});

afterEach(async () => {
  widget.close();
  agent.close();
  await server.close();
});

const send = (socket: VisitorSocket, body: string, clientId: string = randomUUID()) =>
  requestOk<{ message: Message }>(socket, 'message:send', { clientId, body }).then(
    (r) => r.message,
  );

const reply = (conversationId: string, body: string, clientId: string = randomUUID()) =>
  requestOk<{ message: Message }>(agent, 'message:send', { conversationId, clientId, body }).then(
    (r) => r.message,
  );

const visitorSync = (socket: VisitorSocket, afterSeq: number) =>
  requestOk<SyncResult<VisitorConversation>>(socket, 'conversation:sync', { afterSeq });

async function messageCount(): Promise<number> {
  const row = await server.parley.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('delivery between a visitor and the agents', () => {
  it('opens a conversation with the first message and shows it to agents live', async () => {
    const created = nextEvent<Conversation>(agent, 'conversation:created');
    const arrived = nextEvent<Message>(agent, 'message:new');

    const sent = await send(widget, 'Hello, do you ship to Norway?');

    expect(sent).toMatchObject({
      seq: 1,
      body: 'Hello, do you ship to Norway?',
      author: { type: 'visitor' },
    });
    const conversation = await created;
    expect(conversation).toMatchObject({
      status: 'open',
      unreadCount: 1,
      visitor: { id: visitor.visitorId },
    });
    expect(await arrived).toEqual(sent);
    const list = await requestOk<{ conversations: Conversation[] }>(agent, 'conversation:list', {
      status: 'open',
    });
    expect(list.conversations.map((c) => c.id)).toEqual([conversation.id]);
    expect(list.conversations[0]?.lastMessage?.body).toBe('Hello, do you ship to Norway?');
  });

  it('delivers an agent reply to the visitor, and the visitor message to the agent, in seq order', async () => {
    const first = await send(widget, 'one');
    const toVisitor = nextEvent<Message>(widget, 'message:new');

    const answer = await reply(first.conversationId, 'two');

    expect(await toVisitor).toEqual(answer);
    expect(answer).toMatchObject({ seq: 2, author: { type: 'agent', name: 'Admin' } });
    const toAgent = nextEvent<Message>(agent, 'message:new');
    const third = await send(widget, 'three');
    expect(await toAgent).toEqual(third);
    const history = await visitorSync(widget, 0);
    expect(history.messages.map((m) => [m.seq, m.body])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('opens one conversation when a visitor’s first messages arrive at once', async () => {
    const sent = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((body) => send(widget, body)));

    expect(new Set(sent.map((m) => m.conversationId)).size).toBe(1);
    expect(sent.map((m) => m.seq).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('stores one message when the same client id is sent twice', async () => {
    const clientId: string = randomUUID();
    const agentSaw = collect<Message>(agent, 'message:new');

    const a = await send(widget, 'only once', clientId);
    const b = await send(widget, 'only once', clientId);

    expect(b).toEqual(a);
    expect(await messageCount()).toBe(1);
    const next = nextEvent<Message>(agent, 'message:new', (m) => m.body === 'next');
    await send(widget, 'next');
    await next;
    // The retry is pushed again with its seq (see the next test); clients drop the repeat.
    expect(agentSaw.map((m) => [m.seq, m.body])).toEqual([
      [1, 'only once'],
      [1, 'only once'],
      [2, 'next'],
    ]);
  });

  it('pushes a retried message again, to agents who missed its first announcement', async () => {
    // As when the node that stored it died before its fan-out: nobody heard of it, and the
    // visitor, unacknowledged, sends it again to another node.
    agent.close();
    const clientId: string = randomUUID();
    const first = await send(widget, 'did anyone hear me?', clientId);
    agent = await connectAwayAgent(server);

    const heard = nextEvent<Message>(agent, 'message:new');
    const again = await send(widget, 'did anyone hear me?', clientId);

    expect(again).toEqual(first);
    expect(await heard).toEqual(first);
    expect(await messageCount()).toBe(1);
  });

  it('keeps client ids apart per author: one side cannot collide with the other', async () => {
    const mine = await send(widget, 'from the visitor', 'shared-id');

    const theirs = await reply(mine.conversationId, 'from the agent', 'shared-id');
    const visitorAgain = await send(widget, 'from the visitor', 'shared-id');

    expect(theirs).toMatchObject({ seq: 2, body: 'from the agent', author: { type: 'agent' } });
    expect(visitorAgain).toEqual(mine);
    expect(await messageCount()).toBe(2);
  });

  it('stores one message when an agent retries a client id', async () => {
    const { conversationId } = await send(widget, 'hi');
    const clientId: string = randomUUID();

    const [a, b] = await Promise.all([
      reply(conversationId, 'hello', clientId),
      reply(conversationId, 'hello', clientId),
    ]);

    expect(b.id).toBe(a.id);
    expect(await messageCount()).toBe(2);
  });

  it('gives a reconnecting visitor every missed message once, in order', async () => {
    const { conversationId, seq } = await send(widget, 'before the tunnel');
    widget.close();

    for (const body of ['still there?', 'we answered', 'third reply'])
      await reply(conversationId, body);
    widget = await connectVisitor(server, visitor);
    const missed = await visitorSync(widget, seq);

    expect(missed.messages.map((m) => [m.seq, m.body])).toEqual([
      [2, 'still there?'],
      [3, 'we answered'],
      [4, 'third reply'],
    ]);
    expect(missed.hasMore).toBe(false);
    expect(missed.conversation).toMatchObject({ id: conversationId, lastSeq: 4 });
  });

  it('pages a long history through hasMore without losing or repeating a message', async () => {
    const { conversationId } = await send(widget, 'm1');
    const cookie = await login(server);
    for (let i = 2; i <= 230; i++) {
      const res = await fetch(`${server.url}/api/v1/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: server.url },
        body: JSON.stringify({ clientId: `bulk-${i}`, body: `m${i}` }),
      });
      expect(res.status).toBe(201);
    }

    const seen: number[] = [];
    let page = await visitorSync(widget, 0);
    seen.push(...page.messages.map((m) => m.seq));
    while (page.hasMore) {
      page = await visitorSync(widget, seen.at(-1) ?? 0);
      seen.push(...page.messages.map((m) => m.seq));
    }

    expect(seen).toEqual(Array.from({ length: 230 }, (_, i) => i + 1));
  });

  it('keeps private notes from the visitor, live and in history', async () => {
    const { conversationId } = await send(widget, 'hi');
    const visitorSaw = collect<Message>(widget, 'message:new');
    const visitorUpdates = collect<VisitorConversation>(widget, 'conversation:updated');

    await requestOk(agent, 'message:send', {
      conversationId,
      clientId: randomUUID(),
      body: 'VIP customer',
      internal: true,
    });
    const settled = nextEvent(
      widget,
      'conversation:updated',
      (c: VisitorConversation) => c.lastSeq === 3,
    );
    await reply(conversationId, 'Hello!');
    await settled;

    expect(visitorSaw.map((m) => m.body)).toEqual(['Hello!']);
    expect(visitorUpdates.map((c) => c.lastSeq)).toEqual([3]); // the note (seq 2) went unannounced
    expect((await visitorSync(widget, 0)).messages.map((m) => m.body)).toEqual(['hi', 'Hello!']);
    const agentHistory = await requestOk<SyncResult<Conversation>>(agent, 'conversation:sync', {
      conversationId,
      afterSeq: 0,
    });
    expect(agentHistory.messages.map((m) => m.body)).toEqual(['hi', 'VIP customer', 'Hello!']);
  });

  it('shows typing both ways', async () => {
    const { conversationId } = await send(widget, 'hi');

    const agentSees = nextEvent(agent, 'typing');
    await requestOk(widget, 'typing', { typing: true });
    expect(await agentSees).toEqual({ conversationId, typing: true });

    const visitorSees = nextEvent(widget, 'typing');
    await requestOk(agent, 'typing', { conversationId, typing: true });
    expect(await visitorSees).toEqual({ typing: true, agentName: 'Admin' });
  });

  it('tracks unread counts and read receipts', async () => {
    await send(widget, 'one');
    const second = await send(widget, 'two');
    const list = await requestOk<{ conversations: Conversation[] }>(agent, 'conversation:list', {
      status: 'open',
    });
    expect(list.conversations[0]?.unreadCount).toBe(2);

    const receipt = nextEvent<VisitorConversation>(widget, 'conversation:updated');
    const agentsSee = nextEvent<Conversation>(agent, 'conversation:updated');
    await requestOk(agent, 'conversation:read', {
      conversationId: second.conversationId,
      seq: second.seq,
    });

    expect((await receipt).agentReadSeq).toBe(2);
    expect((await agentsSee).unreadCount).toBe(0);
  });

  it('lets an agent resolve, and the visitor reopen by writing again', async () => {
    const { conversationId } = await send(widget, 'thanks, bye');
    const visitorSees = nextEvent<VisitorConversation>(widget, 'conversation:updated');

    const resolved = await requestOk<{ conversation: Conversation }>(
      agent,
      'conversation:resolve',
      { conversationId },
    );

    expect(resolved.conversation.status).toBe('resolved');
    expect((await visitorSees).status).toBe('resolved');
    const resolvedList = await requestOk<{ conversations: Conversation[] }>(
      agent,
      'conversation:list',
      { status: 'resolved' },
    );
    expect(resolvedList.conversations.map((c) => c.id)).toEqual([conversationId]);

    const reopened = nextEvent<Conversation>(agent, 'conversation:updated');
    const again = await send(widget, 'one more question');
    expect(again.conversationId).toBe(conversationId);
    expect(await reopened).toMatchObject({ id: conversationId, status: 'open' });
  });

  it('shows a returning visitor the previous conversation', async () => {
    await send(widget, 'first visit');
    widget.close();

    widget = await connectVisitor(server, visitor);

    expect((await visitorSync(widget, 0)).messages.map((m) => m.body)).toEqual(['first visit']);
  });
});
