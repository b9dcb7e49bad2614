/**
 * The one message path: any module appends a bot's or the system's message in one call, it takes
 * its seq among everyone else's, reaches widget and console like any other, and leaves its event
 * in the durable log in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/server/core/actor';
import { eventsOf } from '../src/server/core/event-log';
import type { Message } from '../src/protocol/schemas';
import {
  collect,
  connectAwayAgent,
  connectVisitor,
  createVisitor,
  requestOk,
  eventually,
  seqsAfterFirst,
  writeAtOnce,
  type AgentSocket,
  type VisitorSocket,
} from './helpers/clients';
import { startServer, type TestServer } from './helpers/server';

let server: TestServer;
let widget: VisitorSocket;
let agent: AgentSocket;
let conversationId: string;
let orgId: string;

beforeEach(async () => {
  server = await startServer();
  widget = await connectVisitor(server, await createVisitor(server));
  agent = await connectAwayAgent(server);
  const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
    clientId: randomUUID(),
    body: 'Hello',
  });
  conversationId = message.conversationId;
  orgId = (
    await server.parley.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()
  ).id;
});

afterEach(async () => {
  widget.close();
  agent.close();
  await server.close();
});

const system = (): Actor => ({ kind: 'system', orgId });
const bot = (): Actor => ({ kind: 'bot', id: 'auto-reply', orgId, name: 'Parley bot' });

describe('appending from any module', () => {
  it('interleaves system and bot messages with a visitor and an agent writing, gap-free for all', async () => {
    const visitorHears = collect<Message>(widget, 'message:new');
    const agentHears = collect<Message>(agent, 'message:new');
    await writeAtOnce(
      15,
      widget,
      agent,
      conversationId,
      (i) =>
        server.parley.messages.append(system(), conversationId, {
          clientId: `system-${i}`,
          body: `s${i}`,
        }),
      (i) =>
        server.parley.messages.append(bot(), conversationId, {
          clientId: `bot-${i}`,
          body: `b${i}`,
        }),
    );

    const expected = Array.from({ length: 61 }, (_, i) => i + 1);
    // Each write after the first one, heard once.
    await eventually(() => expect(seqsAfterFirst(visitorHears)).toEqual(expected.slice(1)));
    await eventually(() => expect(seqsAfterFirst(agentHears)).toEqual(expected.slice(1)));
    const sync = await requestOk<{ messages: Message[] }>(widget, 'conversation:sync', {
      afterSeq: 0,
    });
    expect(sync.messages.map((m) => m.seq)).toEqual(expected);
    const systemMessage = sync.messages.find((m) => m.body === 's3');
    expect(systemMessage?.author).toEqual({ type: 'system', id: null, name: null });
    const botMessage = sync.messages.find((m) => m.body === 'b3');
    expect(botMessage?.author).toEqual({ type: 'bot', id: 'auto-reply', name: 'Parley bot' });
  });

  it('writes a system message once however often it is appended with the same client id', async () => {
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        server.parley.messages.append(system(), conversationId, {
          clientId: 'job-42',
          body: 'The conversation was transferred',
        }),
      ),
    );
    expect(new Set(again.map((m) => m.id)).size).toBe(1);
    const rows = await server.parley.db
      .selectFrom('messages')
      .select('seq')
      .where('client_id', '=', 'job-42')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('asks the policy: a bot may write but not resolve, another organization finds nothing', async () => {
    await expect(
      server.parley.messages.append(
        { kind: 'token', id: 't1', orgId, scopes: [] },
        conversationId,
        {
          clientId: 'x',
          body: 'no scope',
        },
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      server.parley.messages.append({ kind: 'system', orgId: randomUUID() }, conversationId, {
        clientId: 'y',
        body: 'elsewhere',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('the durable event log', () => {
  it('records each change with its actor: opened, appended, resolved, reopened', async () => {
    await requestOk(agent, 'message:send', { conversationId, clientId: randomUUID(), body: 'Hi!' });
    await requestOk(agent, 'conversation:resolve', { conversationId });
    await requestOk(widget, 'message:send', { clientId: randomUUID(), body: 'One more thing' });
    await server.parley.messages.append(system(), conversationId, { clientId: 's', body: 'note' });

    const events = await eventsOf(server.parley.db, orgId, conversationId);
    const seen = events.map((e) => `${e.type} by ${e.actor_type}`);
    expect(seen).toEqual([
      'conversation.opened by visitor',
      'message.appended by visitor',
      'message.appended by agent',
      // The reply leaves the conversation waiting on the visitor.
      'conversation.status_changed by agent',
      'conversation.resolved by agent',
      'message.appended by visitor',
      'conversation.reopened by visitor',
      'message.appended by system',
    ]);
    const appended = events.filter((e) => e.type === 'message.appended');
    expect(appended.map((e) => JSON.parse(e.data ?? '{}').seq)).toEqual([1, 2, 3, 4]);
    // The log names what changed, never what was said.
    expect(JSON.stringify(events)).not.toContain('One more thing');
  });
});
