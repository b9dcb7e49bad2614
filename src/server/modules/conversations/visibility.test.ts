/**
 * What each agent sees (issue 10): conversations by assignee, department and role, over REST and
 * the socket, their live events, the inbox tabs, supervisors joining and whispering, @mentions,
 * collision and the sneak peek — and that none of the agents-only things reach the visitor.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Inbox } from '../../../protocol/inbox-schemas';
import type { AgentNotice } from '../../../protocol/events';
import type {
  Conversation,
  ConversationPage,
  Message,
  SyncResult,
  VisitorConversation,
} from '../../../protocol/schemas';
import type { ColleagueActivity } from '../../../protocol/inbox-schemas';
import type { Department } from '../../../protocol/department-schemas';
import { ROUTING_DEFAULTS } from '../../../protocol/settings';
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
import { createAgent } from '../../../../test/helpers/factories';
import { startServer, type TestServer } from '../../../../test/helpers/server';

const PASSWORD = 'a long enough password';
// Five sign-ins (password hashing) and many sockets: slow on a busy machine, never a timing check.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });
type Person = 'ana' | 'carl' | 'bo' | 'sue' | 'admin';

let server: TestServer;
let orgId: string;
const ids = {} as Record<Person, string>;
const cookies = {} as Record<Person, string>;
const sockets = {} as Record<Person, AgentSocket>;
const departments = { sales: randomUUID(), support: randomUUID() };

/** Sales: Ana, Carl (agents) and Sue (supervisor); support: Bo. The owner is in none. */
beforeAll(async () => {
  server = await startServer();
  const db = server.parley.db;
  orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
  const at = new Date().toISOString();
  for (const [name, id] of Object.entries(departments)) {
    await db
      .insertInto('departments')
      .values({ id, org_id: orgId, name, strategy: 'round_robin', created_at: at })
      .execute();
  }
  const people: [Person, 'agent' | 'supervisor', string, string][] = [
    ['ana', 'agent', 'Ana Silva', departments.sales],
    ['carl', 'agent', 'Carl Berg', departments.sales],
    ['bo', 'agent', 'Bo Lind', departments.support],
    ['sue', 'supervisor', 'Sue Park', departments.sales],
  ];
  for (const [person, role, name, departmentId] of people) {
    const email = `${person}@shop.test`;
    ids[person] = await createAgent(db, orgId, { email, password: PASSWORD, role });
    await db.updateTable('agents').set({ name }).where('id', '=', ids[person]).execute();
    await db
      .insertInto('agent_departments')
      .values({
        id: randomUUID(),
        agent_id: ids[person],
        department_id: departmentId,
        org_id: orgId,
        created_at: at,
      })
      .execute();
    cookies[person] = await login(server, { email, password: PASSWORD });
  }
  cookies.admin = await login(server);
  ids.admin = (
    await db.selectFrom('agents').select('id').where('role', '=', 'owner').executeTakeFirstOrThrow()
  ).id;
  await connectAll();
});

afterAll(async () => {
  for (const socket of Object.values(sockets)) socket.close();
  await server.close();
});

/** (Re)connects every agent: rooms are chosen at the handshake. */
async function connectAll(): Promise<void> {
  for (const person of Object.keys(cookies) as Person[]) {
    sockets[person]?.close();
    sockets[person] = await connectAgent(server, cookies[person]);
  }
}

interface Chat {
  conversationId: string;
  widget: VisitorSocket;
}

/** A visitor's conversation, then put in `departmentId` and assigned to `assignee` (as routing would). */
async function chat(departmentId: string | null, assignee: Person | null): Promise<Chat> {
  const widget = await connectVisitor(server, await createVisitor(server));
  const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
    clientId: randomUUID(),
    body: 'Hello',
  });
  await server.parley.db
    .updateTable('conversations')
    .set({ department_id: departmentId, assignee_id: assignee === null ? null : ids[assignee] })
    .where('id', '=', message.conversationId)
    .execute();
  return { conversationId: message.conversationId, widget };
}

async function listed(person: Person, query = ''): Promise<string[]> {
  const reply = await api<ConversationPage>(
    server,
    cookies[person],
    'GET',
    `/api/v1/conversations?status=open${query}`,
  );
  expect(reply.status).toBe(200);
  return reply.body.conversations.map((c) => c.id);
}

/**
 * Resolves once `socket` has heard everything sent to it before now: a message in a conversation
 * of no department (which every agent hears) is pushed after what came first, in order.
 */
async function drained(...people: Person[]): Promise<void> {
  const marker = await chat(null, null);
  const body = `marker ${randomUUID()}`;
  const heard = people.map((p) =>
    nextEvent<Message>(sockets[p], 'message:new', (m) => m.body === body),
  );
  await requestOk(marker.widget, 'message:send', { clientId: randomUUID(), body });
  await Promise.all(heard);
  marker.widget.close();
}

describe('visibility', () => {
  it('lists a department queue to its agents and supervisor, an assigned one to its assignee and supervisor', async () => {
    const queued = await chat(departments.sales, null);
    const anas = await chat(departments.sales, 'ana');
    const open = await chat(null, null);
    const sees = async (person: Person) => {
      const ids = await listed(person);
      return [queued, anas, open].map((c) => ids.includes(c.conversationId));
    };
    expect(await sees('ana')).toEqual([true, true, true]);
    expect(await sees('carl')).toEqual([true, false, true]);
    expect(await sees('bo')).toEqual([false, false, true]);
    expect(await sees('sue')).toEqual([true, true, true]);
    expect(await sees('admin')).toEqual([true, true, true]);
    for (const c of [queued, anas, open]) c.widget.close();
  });

  it('refuses an agent outside the conversation alike for reading and writing, and stores nothing', async () => {
    const anas = await chat(departments.sales, 'ana');
    const id = anas.conversationId;
    for (const person of ['bo', 'carl'] as const) {
      const cookie = cookies[person];
      expect(codeOf(await api(server, cookie, 'GET', `/api/v1/conversations/${id}`))).toBe(
        'not_found',
      );
      expect(codeOf(await api(server, cookie, 'GET', `/api/v1/conversations/${id}/messages`))).toBe(
        'not_found',
      );
      const sent = await api(server, cookie, 'POST', `/api/v1/conversations/${id}/messages`, {
        clientId: randomUUID(),
        body: 'not mine',
      });
      expect(sent.status).toBe(404);
      expect(codeOf(await api(server, cookie, 'POST', `/api/v1/conversations/${id}/resolve`))).toBe(
        'not_found',
      );
      const socket = sockets[person];
      for (const [event, payload] of [
        ['message:send', { conversationId: id, clientId: randomUUID(), body: 'not mine' }],
        ['conversation:sync', { conversationId: id, afterSeq: 0 }],
        ['conversation:read', { conversationId: id, seq: 1 }],
        ['conversation:resolve', { conversationId: id }],
        ['typing', { conversationId: id, typing: true }],
        ['conversation:viewing', { conversationId: id, viewing: true }],
      ] as const) {
        const result = await request(socket, event, payload);
        expect(result.ok ? 'ok' : result.error.code, `${person} ${event}`).toBe('not_found');
      }
    }
    const { body } = await api<SyncResult<Conversation>>(
      server,
      cookies.ana,
      'GET',
      `/api/v1/conversations/${id}/messages`,
    );
    // Nothing stored but the visitor's message (and routing's entry on who has it).
    const written = body.messages.filter((m) => m.author.type !== 'system');
    expect(written.map((m) => m.body)).toEqual(['Hello']);
    expect(body.conversation?.status).toBe('open');
    anas.widget.close();
  });

  it('pushes a conversation’s events only to the agents who may see it', async () => {
    const anas = await chat(departments.sales, 'ana');
    const heard = Object.fromEntries(
      (Object.keys(sockets) as Person[]).map((p) => [
        p,
        collect<Message>(sockets[p], 'message:new'),
      ]),
    ) as Record<Person, Message[]>;
    await requestOk(anas.widget, 'message:send', { clientId: randomUUID(), body: 'For Ana' });
    await requestOk(sockets.ana, 'message:send', {
      conversationId: anas.conversationId,
      clientId: randomUUID(),
      body: 'A note',
      internal: true,
    });
    await drained('ana', 'carl', 'bo', 'sue', 'admin');
    // "Hello" opened the conversation before it had a department: everyone may have heard that.
    const bodies = (p: Person) =>
      heard[p]
        // Routing's entries (who has it) reach the same agents; these are what people wrote.
        .filter((m) => m.conversationId === anas.conversationId && m.author.type !== 'system')
        .filter((m) => m.body !== 'Hello')
        .map((m) => m.body);
    expect(bodies('ana')).toEqual(['For Ana', 'A note']);
    expect(bodies('sue')).toEqual(['For Ana', 'A note']);
    expect(bodies('admin')).toEqual(['For Ana', 'A note']);
    expect(bodies('carl')).toEqual([]);
    expect(bodies('bo')).toEqual([]);
    anas.widget.close();
  });

  it('lets every agent see all when the organization allows it', async () => {
    const anas = await chat(departments.sales, 'ana');
    expect(await listed('bo')).not.toContain(anas.conversationId);
    expect((await api<Inbox>(server, cookies.bo, 'GET', '/api/v1/inbox')).body.views).toEqual([
      'mine',
      'unassigned',
    ]);
    expect(codeOf(await api(server, cookies.bo, 'GET', '/api/v1/conversations?view=all'))).toBe(
      'forbidden',
    );
    await setRouting({ agentsSeeAll: true });
    try {
      expect(await listed('bo', '&view=all')).toContain(anas.conversationId);
      expect((await api<Inbox>(server, cookies.bo, 'GET', '/api/v1/inbox')).body.views).toEqual([
        'mine',
        'unassigned',
        'all',
      ]);
      await connectAll();
      const pushed = nextEvent<Message>(
        sockets.bo,
        'message:new',
        (m) => m.conversationId === anas.conversationId,
      );
      await requestOk(anas.widget, 'message:send', { clientId: randomUUID(), body: 'Anyone?' });
      expect((await pushed).body).toBe('Anyone?');
    } finally {
      await setRouting({});
      await connectAll();
    }
    anas.widget.close();
  });
});

async function setRouting(settings: Record<string, unknown>): Promise<void> {
  await server.parley.db
    .updateTable('organizations')
    .set({ routing_settings: JSON.stringify(settings) })
    .where('id', '=', orgId)
    .execute();
}

describe('a change of what an agent may see', () => {
  it('ends their connections, and the next one hears the new department', async () => {
    const queued = await chat(departments.support, null);
    const db = server.parley.db;
    const membership = randomUUID();
    await db
      .insertInto('agent_departments')
      .values({
        id: membership,
        agent_id: ids.carl,
        department_id: departments.support,
        org_id: orgId,
        created_at: new Date().toISOString(),
      })
      .execute();
    try {
      const dropped = nextEvent<string>(sockets.carl, 'disconnect');
      server.parley.events.emit('agent.visibility.changed', { orgId, agentId: ids.carl });
      expect(await dropped).toBe('io server disconnect');
      sockets.carl = await connectAgent(server, cookies.carl);
      const pushed = nextEvent<Message>(
        sockets.carl,
        'message:new',
        (m) => m.conversationId === queued.conversationId,
      );
      await requestOk(queued.widget, 'message:send', { clientId: randomUUID(), body: 'Support?' });
      expect((await pushed).body).toBe('Support?');
    } finally {
      await db.deleteFrom('agent_departments').where('id', '=', membership).execute();
      await connectAll();
    }
    queued.widget.close();
  });
});

describe('a change made in Settings', () => {
  /** `change` hangs up `person`'s console; it connects again, as the console does. */
  async function reconnectsAfter(person: Person, change: () => Promise<unknown>): Promise<void> {
    const dropped = nextEvent<string>(sockets[person], 'disconnect');
    await change();
    expect(await dropped).toBe('io server disconnect');
    sockets[person] = await connectAgent(server, cookies[person]);
  }

  /** Whether `person`'s console hears a new message of `c` (shown) or not (hidden). */
  async function hears(person: Person, c: Chat): Promise<boolean> {
    const heard = collect<Message>(sockets[person], 'message:new');
    const body = `visible? ${randomUUID()}`;
    await requestOk(c.widget, 'message:send', { clientId: randomUUID(), body });
    await drained(person);
    return heard.some((m) => m.body === body);
  }

  const admin = (method: string, path: string, body?: unknown) =>
    api(server, cookies.admin, method, path, body).then((reply) => {
      expect(reply.status).toBeLessThan(300);
      return reply;
    });

  it('shows a member added the department queue, and hides it once they are removed', async () => {
    const queued = await chat(departments.support, null);
    const member = `/api/v1/departments/${departments.support}/members/${ids.carl}`;
    expect(await hears('carl', queued)).toBe(false);
    await reconnectsAfter('carl', () => admin('PUT', member));
    expect(await hears('carl', queued)).toBe(true);
    await reconnectsAfter('carl', () => admin('DELETE', member));
    expect(await hears('carl', queued)).toBe(false);
    queued.widget.close();
  });

  it('hides a deleted department’s queue from its members', async () => {
    const created = await admin('POST', '/api/v1/departments', { name: `Returns ${randomUUID()}` });
    const departmentId = (created.body as { department: Department }).department.id;
    await reconnectsAfter('carl', () =>
      admin('PUT', `/api/v1/departments/${departmentId}/members/${ids.carl}`),
    );
    const queued = await chat(departmentId, null);
    expect(await hears('carl', queued)).toBe(true);
    await reconnectsAfter('carl', () => admin('DELETE', `/api/v1/departments/${departmentId}`));
    expect(await hears('carl', queued)).toBe(false);
    queued.widget.close();
  });

  it('shows a new supervisor their department’s assigned conversations, and hides them again', async () => {
    const anas = await chat(departments.support, 'ana');
    const role = (to: string) => () =>
      admin('PATCH', `/api/v1/team/agents/${ids.bo}`, { role: to });
    expect(await hears('bo', anas)).toBe(false);
    await reconnectsAfter('bo', role('supervisor'));
    expect(await hears('bo', anas)).toBe(true);
    await reconnectsAfter('bo', role('agent'));
    expect(await hears('bo', anas)).toBe(false);
    anas.widget.close();
  });

  it('hangs up every agent of the organization when agents-see-all changes', async () => {
    const anas = await chat(departments.sales, 'ana');
    const routing = (agentsSeeAll: boolean) => async () => {
      const agents: Person[] = ['ana', 'carl', 'bo', 'sue'];
      const dropped = agents.map((p) => nextEvent<string>(sockets[p], 'disconnect'));
      await admin('PUT', '/api/v1/organization/routing', { ...ROUTING_DEFAULTS, agentsSeeAll });
      expect(await Promise.all(dropped)).toEqual(agents.map(() => 'io server disconnect'));
      await connectAll();
    };
    expect(await hears('bo', anas)).toBe(false);
    await routing(true)();
    expect(await hears('bo', anas)).toBe(true);
    await routing(false)();
    expect(await hears('bo', anas)).toBe(false);
    anas.widget.close();
  });
});

describe('inbox tabs', () => {
  it('lists mine, the unassigned ones and, for supervisors, all', async () => {
    const anas = await chat(departments.sales, 'ana');
    const carls = await chat(departments.sales, 'carl');
    const queued = await chat(departments.sales, null);
    const all = [anas, carls, queued].map((c) => c.conversationId);
    const shown = async (person: Person, view: string) =>
      (await listed(person, `&view=${view}`)).filter((id) => all.includes(id));
    expect(await shown('ana', 'mine')).toEqual([anas.conversationId]);
    expect(await shown('ana', 'unassigned')).toEqual([queued.conversationId]);
    expect(await shown('sue', 'all')).toEqual([...all].reverse());
    expect(await shown('sue', 'mine')).toEqual([]);
    const overSocket = await requestOk<ConversationPage>(sockets.carl, 'conversation:list', {
      status: 'open',
      view: 'mine',
    });
    expect(overSocket.conversations.map((c) => c.id)).toEqual([carls.conversationId]);
    const refused = await request(sockets.carl, 'conversation:list', {
      status: 'open',
      view: 'all',
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('forbidden');
    expect((await api<Inbox>(server, cookies.sue, 'GET', '/api/v1/inbox')).body).toMatchObject({
      views: ['mine', 'unassigned', 'all'],
      agents: expect.arrayContaining([{ id: ids.ana, name: 'Ana Silva' }]),
    });
    for (const c of [anas, carls, queued]) c.widget.close();
  });
});

describe('whisper and mentions', () => {
  it('a supervisor whispers to the assignee; the visitor never gets it, live or on sync', async () => {
    const anas = await chat(departments.sales, 'ana');
    const visitorHeard = collect<Message>(anas.widget, 'message:new');
    const notice = nextEvent<AgentNotice>(sockets.ana, 'whisper');
    const { message } = await requestOk<{ message: Message }>(sockets.sue, 'message:whisper', {
      conversationId: anas.conversationId,
      clientId: randomUUID(),
      body: 'Offer the discount',
    });
    expect(message).toMatchObject({
      internal: true,
      meta: { kind: 'whisper', toAgentId: ids.ana },
    });
    expect(await notice).toEqual({
      conversationId: anas.conversationId,
      messageId: message.id,
      by: 'Sue Park',
    });
    const viaRest = await api(
      server,
      cookies.sue,
      'POST',
      `/api/v1/conversations/${anas.conversationId}/whisper`,
      {
        clientId: randomUUID(),
        body: 'And free shipping',
      },
    );
    expect(viaRest.status).toBe(201);
    const refused = await request(sockets.carl, 'message:whisper', {
      conversationId: anas.conversationId,
      clientId: randomUUID(),
      body: 'Not a supervisor',
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('forbidden');
    await requestOk(sockets.ana, 'message:send', {
      conversationId: anas.conversationId,
      clientId: randomUUID(),
      body: 'Here is 10% off',
    });
    await eventually(() => expect(visitorHeard.map((m) => m.body)).toContain('Here is 10% off'));
    expect(visitorHeard.map((m) => m.body)).toEqual(['Here is 10% off']);
    const synced = await requestOk<SyncResult<VisitorConversation>>(
      anas.widget,
      'conversation:sync',
      { afterSeq: 0 },
    );
    expect(synced.messages.map((m) => m.body)).toEqual(['Hello', 'Here is 10% off']);
    anas.widget.close();
  });

  it('an @mention in a private note tells the named colleague only, and never the visitor', async () => {
    const queued = await chat(departments.sales, null);
    const visitorHeard = collect<Message>(queued.widget, 'message:new');
    const mentions = Object.fromEntries(
      (Object.keys(sockets) as Person[]).map((p) => [
        p,
        collect<AgentNotice>(sockets[p], 'mention'),
      ]),
    ) as Record<Person, AgentNotice[]>;
    const { message } = await requestOk<{ message: Message }>(sockets.ana, 'message:send', {
      conversationId: queued.conversationId,
      clientId: randomUUID(),
      body: '@Carl can you take this? (not @ana herself)',
      internal: true,
    });
    expect(message.meta).toEqual({ kind: 'mentions', agentIds: [ids.carl] });
    await drained('ana', 'carl', 'bo', 'sue', 'admin');
    expect(mentions.carl).toEqual([
      { conversationId: queued.conversationId, messageId: message.id, by: 'Ana Silva' },
    ]);
    for (const p of ['ana', 'bo', 'sue', 'admin'] as const) expect(mentions[p], p).toEqual([]);
    // A reply (not a note) names nobody; the visitor sees only it.
    const reply = await requestOk<{ message: Message }>(sockets.ana, 'message:send', {
      conversationId: queued.conversationId,
      clientId: randomUUID(),
      body: '@Carl is here',
    });
    expect(reply.message.meta).toBeNull();
    await eventually(() => expect(visitorHeard.length).toBeGreaterThan(0));
    expect(visitorHeard.map((m) => m.body)).toEqual(['@Carl is here']);
    // A visitor cannot whisper, and its own "@Carl" is plain text.
    const whisper = await request(queued.widget, 'message:whisper', { body: 'x' });
    expect(whisper.ok ? 'ok' : whisper.error.code).toBe('unknown_event');
    const own = await requestOk<{ message: Message }>(queued.widget, 'message:send', {
      clientId: randomUUID(),
      body: '@Carl hi',
    });
    expect(own.message.meta).toBeNull();
    queued.widget.close();
  });
});

describe('collision', () => {
  it('shows who views and types to the colleagues who may see the conversation, and ends with the socket', async () => {
    const queued = await chat(departments.sales, null);
    const id = queued.conversationId;
    const carlHeard = collect<ColleagueActivity>(sockets.carl, 'colleague:activity');
    const boHeard = collect<ColleagueActivity>(sockets.bo, 'colleague:activity');
    const anaViews = nextEvent<ColleagueActivity>(
      sockets.carl,
      'colleague:activity',
      (a) => a.conversationId === id,
    );
    const anaSocket = await connectAgent(server, cookies.ana);
    await requestOk(anaSocket, 'conversation:viewing', { conversationId: id, viewing: true });
    expect(await anaViews).toEqual({
      conversationId: id,
      agentId: ids.ana,
      agentName: 'Ana Silva',
      activity: 'viewing',
      active: true,
    });
    const typing = nextEvent<ColleagueActivity>(
      sockets.carl,
      'colleague:activity',
      (a) => a.activity === 'typing',
    );
    await requestOk(anaSocket, 'typing', { conversationId: id, typing: true });
    expect(await typing).toMatchObject({
      conversationId: id,
      agentName: 'Ana Silva',
      active: true,
    });
    const gone = nextEvent<ColleagueActivity>(
      sockets.carl,
      'colleague:activity',
      (a) => a.activity === 'viewing' && !a.active,
    );
    anaSocket.close();
    expect(await gone).toMatchObject({ conversationId: id, agentId: ids.ana });
    await drained('bo', 'carl');
    expect(boHeard.filter((a) => a.conversationId === id)).toEqual([]);
    expect(carlHeard.filter((a) => a.conversationId === id).length).toBe(3);
    queued.widget.close();
  });
});

describe('sneak peek', () => {
  it('shows agents the visitor’s draft only when the site allows it', async () => {
    const site = await server.parley.db
      .selectFrom('sites')
      .select('id')
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    const queued = await chat(departments.sales, null);
    const drafts = collect<{ conversationId: string; text: string }>(sockets.ana, 'draft');
    const boDrafts = collect<{ conversationId: string; text: string }>(sockets.bo, 'draft');
    await requestOk(queued.widget, 'draft', { text: 'secret while off' });
    await drained('ana');
    expect(drafts).toEqual([]);
    const on = await api(server, cookies.admin, 'PATCH', `/api/v1/sites/${site.id}`, {
      widget: { sneakPeek: true },
    });
    expect(on.status).toBe(200);
    try {
      const seen = nextEvent(sockets.ana, 'draft');
      await requestOk(queued.widget, 'draft', { text: 'I would like to ret' });
      expect(await seen).toEqual({
        conversationId: queued.conversationId,
        text: 'I would like to ret',
      });
      await drained('bo');
      expect(boDrafts).toEqual([]);
    } finally {
      await api(server, cookies.admin, 'PATCH', `/api/v1/sites/${site.id}`, {
        widget: { sneakPeek: false },
      });
    }
    queued.widget.close();
  });
});
