import { afterEach, describe, expect, it } from 'vitest';
import {
  connectAgent,
  connectVisitor,
  createVisitor,
  eventually,
  login,
  nextEvent,
  requestOk,
  type AgentSocket,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { startServer, type TestServer } from '../../../../test/helpers/server';
import type { Clock } from '../../core/clock';
import type {
  Conversation,
  ConversationStatus,
  Message,
  SyncResult,
  VisitorConversation,
} from '../../../protocol/schemas';
import { AUTO_RESOLVE_JOB } from './auto-resolve.jobs';

let server: TestServer;
const sockets: (VisitorSocket | AgentSocket)[] = [];
const HOUR = 3_600_000;

afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.close());
  await server.close();
});

async function newWidget(): Promise<VisitorSocket> {
  const socket = await connectVisitor(server, await createVisitor(server));
  sockets.push(socket);
  return socket;
}

async function agentConsole(): Promise<AgentSocket> {
  const socket = await connectAgent(server, await login(server));
  sockets.push(socket);
  return socket;
}

const visitorSays = async (widget: VisitorSocket, clientId: string) =>
  (await requestOk<{ message: Message }>(widget, 'message:send', { clientId, body: clientId }))
    .message;

const agentSays = (
  agent: AgentSocket,
  conversationId: string,
  clientId: string,
  internal = false,
) => requestOk(agent, 'message:send', { conversationId, clientId, body: clientId, internal });

async function statusOf(agent: AgentSocket, conversationId: string): Promise<ConversationStatus> {
  const sync = await requestOk<SyncResult<Conversation>>(agent, 'conversation:sync', {
    conversationId,
    afterSeq: 0,
  });
  return sync.conversation!.status;
}

describe('open → pending → resolved', () => {
  it('waits on the visitor after an agent reply, and opens again when the visitor writes', async () => {
    server = await startServer();
    const agent = await agentConsole();
    const widget = await newWidget();
    const { conversationId } = await visitorSays(widget, 'v1');
    expect(await statusOf(agent, conversationId)).toBe('open');

    // A private note is not an answer: still open.
    await agentSays(agent, conversationId, 'note', true);
    expect(await statusOf(agent, conversationId)).toBe('open');

    const seenByAgent = nextEvent<Conversation>(
      agent,
      'conversation:updated',
      (c) => c.status === 'pending',
    );
    const seenByVisitor = nextEvent<VisitorConversation>(
      widget,
      'conversation:updated',
      (c) => c.status === 'pending',
    );
    await agentSays(agent, conversationId, 'a1');
    await Promise.all([seenByAgent, seenByVisitor]);
    expect(await statusOf(agent, conversationId)).toBe('pending');

    // Pending conversations stay in the open list.
    const list = await requestOk<{ conversations: Conversation[] }>(agent, 'conversation:list', {
      status: 'open',
    });
    expect(list.conversations.map((c) => [c.id, c.status])).toEqual([[conversationId, 'pending']]);

    await visitorSays(widget, 'v2');
    expect(await statusOf(agent, conversationId)).toBe('open');

    // Resolved, an agent's follow-up leaves it resolved; the visitor's reply reopens it.
    await requestOk(agent, 'conversation:resolve', { conversationId });
    await agentSays(agent, conversationId, 'a2');
    expect(await statusOf(agent, conversationId)).toBe('resolved');
    await visitorSays(widget, 'v3');
    expect(await statusOf(agent, conversationId)).toBe('open');

    const logged = await server.parley.db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('conversation_id', '=', conversationId)
      .where('type', 'in', ['conversation.status_changed', 'conversation.reopened'])
      .orderBy('id')
      .execute();
    expect(logged).toEqual([
      {
        type: 'conversation.status_changed',
        data: JSON.stringify({ from: 'open', to: 'pending' }),
      },
      {
        type: 'conversation.status_changed',
        data: JSON.stringify({ from: 'pending', to: 'open' }),
      },
      { type: 'conversation.reopened', data: null },
    ]);
  });
});

describe('auto-resolve', () => {
  let time = Date.now();
  const clock: Clock = { now: () => time };

  const autoResolveRuns = async () =>
    Number(
      (
        await server.parley.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('type', '=', AUTO_RESOLVE_JOB)
          .where('status', '=', 'done')
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Moves the clock, and waits for a run of the job that starts after the move. */
  async function advance(ms: number): Promise<void> {
    await eventually(async () => expect(await autoResolveRuns()).toBeGreaterThan(0));
    const before = await autoResolveRuns();
    time += ms;
    await eventually(async () => expect(await autoResolveRuns()).toBeGreaterThan(before));
  }

  it('resolves conversations idle past the setting and leaves active ones', async () => {
    time = Date.now();
    server = await startServer(undefined, {}, { clock });
    const agent = await agentConsole();
    const idleWidget = await newWidget();
    const idle = (await visitorSays(idleWidget, 'idle')).conversationId;
    await agentSays(agent, idle, 'answer'); // pending counts as well
    await advance(20 * HOUR);
    const active = (await visitorSays(await newWidget(), 'active')).conversationId;

    const resolvedForVisitor = nextEvent<VisitorConversation>(
      idleWidget,
      'conversation:updated',
      (c) => c.status === 'resolved',
    );
    const note = nextEvent<Message>(agent, 'message:new', (m) => m.meta?.kind === 'auto_resolved');
    const heardByVisitor: Message[] = [];
    idleWidget.on('message:new', (m: Message) => heardByVisitor.push(m));
    await advance(5 * HOUR); // idle: 25 h (over the default 24); active: 5 h

    expect(await statusOf(agent, idle)).toBe('resolved');
    expect(await statusOf(agent, active)).toBe('open');
    await resolvedForVisitor;
    expect(await note).toMatchObject({
      conversationId: idle,
      internal: true,
      author: { type: 'system' },
      meta: { kind: 'auto_resolved', afterHours: 24 },
    });
    // The agents-only entry never reaches the visitor, over the socket or in a sync.
    expect(heardByVisitor).toEqual([]);
    const sync = await requestOk<SyncResult<VisitorConversation>>(idleWidget, 'conversation:sync', {
      afterSeq: 0,
    });
    expect(sync.messages.map((m) => m.body)).toEqual(['idle', 'answer']);
    const logged = await server.parley.db
      .selectFrom('events')
      .select(['type', 'actor_type'])
      .where('conversation_id', '=', idle)
      .where('type', '=', 'conversation.resolved')
      .execute();
    expect(logged).toEqual([{ type: 'conversation.resolved', actor_type: 'system' }]);
  });

  it('never resolves when the organization set 0 hours', async () => {
    time = Date.now();
    server = await startServer(undefined, {}, { clock });
    await server.parley.db
      .updateTable('organizations')
      .set({ routing_settings: JSON.stringify({ autoResolveHours: 0 }) })
      .execute();
    const agent = await agentConsole();
    const id = (await visitorSays(await newWidget(), 'hello')).conversationId;
    await advance(100 * HOUR); // less than a week: finished jobs are pruned after that
    expect(await statusOf(agent, id)).toBe('open');
  });
});
