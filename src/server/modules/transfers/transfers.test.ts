/**
 * Transfers on the running server, over real sockets and REST: to an agent and to a department,
 * accepting (also two at once), auto-accept, expiry back to the queue, what the visitor never
 * learns, and every refusal leaving everything as it was.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  collect,
  connectAgent,
  connectVisitor,
  createVisitor,
  eventually,
  login,
  nextEvent,
  request,
  requestOk,
  type AgentSocket,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { startServer, type TestServer } from '../../../../test/helpers/server';
import type { RoutingSettings } from '../../../protocol/routing-schemas';
import type { Conversation, Message, SyncResult } from '../../../protocol/schemas';
import type { Transfer, TransferTargets } from '../../../protocol/transfer-schemas';

const PASSWORD = 'a long enough password';
const NOTE = 'VIP customer: wants a refund for order 1042';

let server: TestServer;
let orgId: string;
/** How far the server's clock is ahead of the real one: tests move it instead of sleeping. */
let clockAhead = 0;
const requeued: [string, string | null][] = [];
const ids = {} as Record<'a' | 'b' | 'c' | 'gone' | 'sales' | 'deleted' | 'foreign', string>;
const cookies = {} as Record<'a' | 'b' | 'c' | 'foreign', string>;
const sockets: { close(): void }[] = [];
let widget: VisitorSocket;
let conversationId: string;

beforeEach(async () => {
  clockAhead = 0;
  requeued.length = 0;
  server = await startServer(
    undefined,
    {},
    {
      clock: { now: () => Date.now() + clockAhead },
      requeue: async (org, department) => void requeued.push([org, department]),
    },
  );
  const db = server.parley.db;
  orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
  for (const who of ['a', 'b', 'c', 'gone'] as const) {
    const email = `${who}@shop.test`;
    ids[who] = await createAgent(db, orgId, { email, password: PASSWORD, role: 'agent' });
    await db
      .updateTable('agents')
      .set({ name: who.toUpperCase() })
      .where('id', '=', ids[who])
      .execute();
    if (who !== 'gone') cookies[who] = await login(server, { email, password: PASSWORD });
  }
  await db
    .updateTable('agents')
    .set({ deactivated_at: new Date().toISOString() })
    .where('id', '=', ids.gone)
    .execute();
  ids.sales = await department('Sales', [ids.b, ids.c]);
  ids.deleted = await department('Closed', [ids.b]);
  await db
    .updateTable('departments')
    .set({ deleted_at: new Date().toISOString() })
    .where('id', '=', ids.deleted)
    .execute();
  const foreign = { email: 'owner@other.test', password: PASSWORD };
  const other = await createOrganization(db, 'other', foreign, 'https://other.test');
  cookies.foreign = await login(server, foreign);
  ids.foreign = (
    await db
      .selectFrom('agents')
      .select('id')
      .where('org_id', '=', other.orgId)
      .executeTakeFirstOrThrow()
  ).id;

  widget = await connectVisitor(server, await createVisitor(server));
  sockets.push(widget);
  const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
    clientId: randomUUID(),
    body: 'Hello, my order never came',
  });
  conversationId = message.conversationId;
  // Until routing lands, A gets the chat by hand.
  await db
    .updateTable('conversations')
    .set({ assignee_id: ids.a })
    .where('id', '=', conversationId)
    .execute();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server.close();
});

async function department(name: string, members: string[]): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  const db = server.parley.db;
  await db
    .insertInto('departments')
    .values({ id, org_id: orgId, name, strategy: 'round_robin', created_at: at })
    .execute();
  for (const agentId of members) {
    await db
      .insertInto('agent_departments')
      .values({
        id: randomUUID(),
        agent_id: agentId,
        department_id: id,
        org_id: orgId,
        created_at: at,
      })
      .execute();
  }
  return id;
}

async function agentSocketOf(who: keyof typeof cookies): Promise<AgentSocket> {
  const socket = await connectAgent(server, cookies[who]);
  sockets.push(socket);
  return socket;
}

async function setRouting(settings: Partial<RoutingSettings>): Promise<void> {
  await server.parley.db
    .updateTable('organizations')
    .set({ routing_settings: JSON.stringify(settings) })
    .where('id', '=', orgId)
    .execute();
}

const transfer = (who: keyof typeof cookies, body: object, id = conversationId) =>
  api<{ transfer: Transfer }>(
    server,
    cookies[who],
    'POST',
    `/api/v1/conversations/${id}/transfers`,
    body,
  );

const history = async (who: keyof typeof cookies = 'a') =>
  (
    await api<SyncResult<Conversation>>(
      server,
      cookies[who],
      'GET',
      `/api/v1/conversations/${conversationId}/messages?afterSeq=0`,
    )
  ).body;

const visitorHistory = () =>
  requestOk<SyncResult<unknown>>(widget, 'conversation:sync', { conversationId, afterSeq: 0 });

async function conversationRow() {
  return server.parley.db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
}

describe('a transfer to an agent', () => {
  it('tells the target alone, who accepts it and answers; history and note stay, the visitor sees only the join', async () => {
    const a = await agentSocketOf('a');
    const b = await agentSocketOf('b');
    const c = await agentSocketOf('c');
    const visitorHeard = collect<Message>(widget, 'message:new');
    const cHeard = collect<Transfer>(c, 'transfer:requested');
    await requestOk(a, 'message:send', {
      conversationId,
      clientId: randomUUID(),
      body: 'Let me check',
    });

    const told = nextEvent<Transfer>(b, 'transfer:requested');
    const { transfer: asked } = await requestOk<{ transfer: Transfer }>(a, 'transfer:request', {
      conversationId,
      toAgentId: ids.b,
      note: NOTE,
    });
    expect(asked).toMatchObject({ status: 'requested', fromAgentId: ids.a, toAgentId: ids.b });
    expect(await told).toEqual(asked);
    // Waiting for B: A still has it.
    expect((await conversationRow()).assignee_id).toBe(ids.a);
    const pending = await api<{ transfers: Transfer[] }>(
      server,
      cookies.b,
      'GET',
      '/api/v1/transfers',
    );
    expect(pending.body.transfers).toEqual([asked]);

    const askerTold = nextEvent<Transfer>(a, 'transfer:updated');
    const accepted = await requestOk<{ transfer: Transfer; conversation: Conversation }>(
      b,
      'transfer:accept',
      { transferId: asked.id },
    );
    expect(accepted.transfer).toMatchObject({ status: 'accepted', acceptedBy: ids.b });
    expect(accepted.conversation.assigneeId).toBe(ids.b);
    expect(await askerTold).toMatchObject({ id: asked.id, status: 'accepted' });
    await requestOk(b, 'message:send', {
      conversationId,
      clientId: randomUUID(),
      body: 'Hi, B here',
    });

    for (const who of ['a', 'b'] as const) {
      const { messages } = await history(who);
      expect(messages.map((m) => [m.author.type, m.body, m.internal])).toEqual([
        ['visitor', 'Hello, my order never came', false],
        ['agent', 'Let me check', false],
        ['agent', NOTE, true],
        ['system', 'B joined the chat', false],
        ['agent', 'Hi, B here', false],
      ]);
      expect(messages[2]!.meta).toEqual({
        kind: 'transfer',
        transferId: asked.id,
        fromAgentId: ids.a,
        toAgentId: ids.b,
        toDepartmentId: null,
        state: 'requested',
      });
      expect(messages[3]!.meta).toEqual({ kind: 'joined', agentName: 'B' });
    }

    const expected = ['Let me check', 'B joined the chat', 'Hi, B here'];
    await eventually(() => expect(visitorHeard.map((m) => m.body)).toEqual(expected));
    const synced = (await visitorHistory()).messages as Message[];
    expect(synced.map((m) => m.body)).toEqual(['Hello, my order never came', ...expected]);
    for (const seen of [visitorHeard, synced]) {
      expect(JSON.stringify(seen)).not.toContain(NOTE);
      expect(seen.some((m) => m.internal || m.meta?.kind === 'transfer')).toBe(false);
    }
    expect(cHeard).toEqual([]);
    const after = await api<{ transfers: Transfer[] }>(
      server,
      cookies.b,
      'GET',
      '/api/v1/transfers',
    );
    expect(after.body.transfers).toEqual([]);
  });

  it('is accepted at once when the organization says so', async () => {
    await setRouting({ autoAcceptTransfers: true });
    const res = await transfer('a', { toAgentId: ids.b, note: NOTE });
    expect(res.status).toBe(201);
    expect(res.body.transfer).toMatchObject({ status: 'accepted', acceptedBy: ids.b });
    expect((await conversationRow()).assignee_id).toBe(ids.b);
    const { messages } = await history('b');
    expect(messages.slice(1).map((m) => [m.body, m.meta?.kind])).toEqual([
      [NOTE, 'transfer'],
      ['B joined the chat', 'joined'],
    ]);
    expect(messages[1]!.meta).toMatchObject({ state: 'accepted' });
    const synced = (await visitorHistory()).messages as Message[];
    expect(synced.map((m) => m.body)).toEqual(['Hello, my order never came', 'B joined the chat']);
  });

  it('that nobody accepts in time returns the conversation to the queue', async () => {
    await setRouting({ transferTimeoutSeconds: 10 });
    const b = await agentSocketOf('b');
    const { body } = await transfer('a', { toAgentId: ids.b, note: NOTE });
    const expired = nextEvent<Transfer>(b, 'transfer:updated');
    clockAhead = 11_000;
    expect(await expired).toMatchObject({ id: body.transfer.id, status: 'expired' });
    const row = await conversationRow();
    expect(row).toMatchObject({ assignee_id: null, department_id: null });
    expect(row.queued_at).not.toBeNull();
    expect(requeued).toEqual([[orgId, null]]);
    const { messages } = await history();
    expect(messages.at(-1)).toMatchObject({
      author: { type: 'system' },
      internal: true,
      meta: { kind: 'transfer', transferId: body.transfer.id, state: 'expired' },
    });
    const late = await api(
      server,
      cookies.b,
      'POST',
      `/api/v1/transfers/${body.transfer.id}/accept`,
    );
    expect([late.status, codeOf(late)]).toEqual([409, 'transfer_not_pending']);
    expect((await visitorHistory()).messages).toHaveLength(1);
  });
});

describe('a transfer to a department', () => {
  it('tells every member; of two accepting at once exactly one gets it, the other a clear refusal', async () => {
    const b = await agentSocketOf('b');
    const c = await agentSocketOf('c');
    const told = [
      nextEvent<Transfer>(b, 'transfer:requested'),
      nextEvent<Transfer>(c, 'transfer:requested'),
    ];
    const { body, status } = await transfer('a', { toDepartmentId: ids.sales, note: NOTE });
    expect(status).toBe(201);
    for (const heard of await Promise.all(told)) expect(heard.id).toBe(body.transfer.id);

    const acks = await Promise.all(
      [b, c].map((s) =>
        request<{ conversation: Conversation }>(s, 'transfer:accept', {
          transferId: body.transfer.id,
        }),
      ),
    );
    const won = acks.filter((ack) => ack.ok);
    const lost = acks.filter((ack) => !ack.ok);
    expect(won).toHaveLength(1);
    expect(lost.map((ack) => !ack.ok && ack.error.code)).toEqual(['transfer_not_pending']);
    const winner = acks[0]!.ok ? ids.b : ids.c;
    expect(await conversationRow()).toMatchObject({
      assignee_id: winner,
      department_id: ids.sales,
    });

    const { messages } = await history(winner === ids.b ? 'b' : 'c');
    expect(messages.map((m) => m.body)).toEqual([
      'Hello, my order never came',
      NOTE,
      `${winner === ids.b ? 'B' : 'C'} joined the chat`,
    ]);
    const synced = (await visitorHistory()).messages as Message[];
    expect(synced.filter((m) => m.meta?.kind === 'joined')).toHaveLength(1);
    expect(JSON.stringify(synced)).not.toContain(NOTE);
  });

  it('goes into its queue at once with auto-accept, and expires into it otherwise', async () => {
    await setRouting({ autoAcceptTransfers: true });
    const auto = await transfer('a', { toDepartmentId: ids.sales });
    expect(auto.body.transfer).toMatchObject({ status: 'accepted', acceptedBy: null });
    expect(await conversationRow()).toMatchObject({ assignee_id: null, department_id: ids.sales });
    expect(requeued).toEqual([[orgId, ids.sales]]);

    await setRouting({ transferTimeoutSeconds: 10 });
    await server.parley.db
      .updateTable('conversations')
      .set({ assignee_id: ids.a, department_id: null, queued_at: null })
      .where('id', '=', conversationId)
      .execute();
    const waiting = await transfer('a', { toDepartmentId: ids.sales, note: NOTE });
    clockAhead = 11_000;
    await eventually(() => expect(requeued).toHaveLength(2));
    expect(requeued[1]).toEqual([orgId, ids.sales]);
    expect(await conversationRow()).toMatchObject({ assignee_id: null, department_id: ids.sales });
    const stored = await server.parley.db
      .selectFrom('transfers')
      .select('status')
      .where('id', '=', waiting.body.transfer.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('expired');
  });
});

describe('refusals', () => {
  async function snapshot() {
    const db = server.parley.db;
    const transfers = await db.selectFrom('transfers').selectAll().orderBy('id').execute();
    return { conversation: await conversationRow(), transfers };
  }

  it('leave everything as it was, each with its own code', async () => {
    const before = await snapshot();
    const cases: [keyof typeof cookies, object, number, string][] = [
      ['a', { toAgentId: ids.foreign }, 404, 'not_found'],
      ['a', { toAgentId: randomUUID() }, 404, 'not_found'],
      ['a', { toAgentId: ids.gone }, 409, 'agent_deactivated'],
      ['a', { toDepartmentId: ids.deleted }, 404, 'not_found'],
      ['a', { toDepartmentId: randomUUID() }, 404, 'not_found'],
      ['a', { toAgentId: ids.a }, 400, 'transfer_to_self'],
      ['a', { toAgentId: ids.b, toDepartmentId: ids.sales }, 400, 'invalid_payload'],
      ['a', { note: NOTE }, 400, 'invalid_payload'],
      // C neither has it nor is above an agent.
      ['c', { toAgentId: ids.b }, 403, 'forbidden'],
      ['foreign', { toAgentId: ids.b }, 404, 'not_found'],
    ];
    for (const [who, body, status, code] of cases) {
      const res = await transfer(who, body);
      expect([res.status, codeOf(res)], JSON.stringify(body)).toEqual([status, code]);
    }
    // C may not take it to themselves either: it is A's.
    expect(codeOf(await transfer('c', { toAgentId: ids.c }))).toBe('forbidden');
    expect(await snapshot()).toEqual(before);
  });

  it('refuse a resolved conversation, and an accept by anyone but the target', async () => {
    const { body } = await transfer('a', { toAgentId: ids.b, note: NOTE });
    const before = await snapshot();
    for (const who of ['a', 'c'] as const) {
      const res = await api(
        server,
        cookies[who],
        'POST',
        `/api/v1/transfers/${body.transfer.id}/accept`,
      );
      expect([res.status, codeOf(res)]).toEqual([403, 'forbidden']);
    }
    const foreign = await api(
      server,
      cookies.foreign,
      'POST',
      `/api/v1/transfers/${body.transfer.id}/accept`,
    );
    expect([foreign.status, codeOf(foreign)]).toEqual([404, 'not_found']);
    expect(await snapshot()).toEqual(before);

    await api(server, cookies.a, 'POST', `/api/v1/conversations/${conversationId}/resolve`);
    const resolved = await snapshot();
    const again = await transfer('a', { toAgentId: ids.c });
    expect([again.status, codeOf(again)]).toEqual([409, 'conversation_resolved']);
    const late = await api(
      server,
      cookies.b,
      'POST',
      `/api/v1/transfers/${body.transfer.id}/accept`,
    );
    expect([late.status, codeOf(late)]).toEqual([409, 'conversation_resolved']);
    expect(await snapshot()).toEqual(resolved);
  });

  it('a newer transfer replaces one still waiting, and its target is told', async () => {
    const b = await agentSocketOf('b');
    const first = await transfer('a', { toAgentId: ids.b, note: NOTE });
    const cancelled = nextEvent<Transfer>(b, 'transfer:updated');
    const second = await transfer('a', { toAgentId: ids.c, note: 'C knows refunds' });
    expect(second.status).toBe(201);
    expect(await cancelled).toMatchObject({ id: first.body.transfer.id, status: 'cancelled' });
    const late = await api(
      server,
      cookies.b,
      'POST',
      `/api/v1/transfers/${first.body.transfer.id}/accept`,
    );
    expect(codeOf(late)).toBe('transfer_not_pending');
  });

  it('the visitor cannot ask for one', async () => {
    const ack = await request(widget, 'transfer:request', { conversationId, toAgentId: ids.b });
    expect(!ack.ok && ack.error.code).toBe('unknown_event');
  });
});

describe('transfer targets', () => {
  it('are the other active agents with their presence, and the departments', async () => {
    const res = await api<TransferTargets>(server, cookies.a, 'GET', '/api/v1/transfers/targets');
    const names = res.body.agents.map((agent) => agent.name);
    expect(names).toContain('B');
    expect(names).not.toContain('A');
    expect(names).not.toContain('GONE');
    expect(res.body.agents.find((agent) => agent.name === 'B')).toMatchObject({
      presence: 'offline',
    });
    expect(res.body.departments).toEqual([{ id: ids.sales, name: 'Sales' }]);
  });
});
