/**
 * Auto-assignment, the queue, claims and take-overs, through real sockets and REST on the engine
 * under test. Each test has an organization of its own, so agents online in one do not route
 * another's conversations.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageMeta, QueuePosition } from '../../../protocol/routing-schemas';
import type { Message } from '../../../protocol/schemas';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  collect,
  connected,
  eventually,
  login,
  request,
  requestOk,
  visitorSocket,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import {
  AGENT_PASSWORD,
  assigneeOf as assigneeOfIn,
  createDepartment,
  createTeam,
  routingAgent,
  setPresence,
  teamVisitor,
  type Team,
} from '../../../../test/helpers/routing';
import { startServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
const sockets: VisitorSocket[] = [];

beforeAll(async () => {
  // Behind a trusted proxy: each visitor comes from an address of its own, as many visitors do.
  server = await startServer(undefined, { trustProxy: 1 });
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.close();
});

interface Opened {
  conversationId: string;
  widget: VisitorSocket;
}

/** A new visitor of the team's site, in `language`, writes its first message. */
async function openConversation(team: Team, language?: string): Promise<Opened> {
  const widget = await teamVisitor(server, team, language);
  sockets.push(widget);
  const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
    clientId: randomUUID(),
    body: 'Hello',
  });
  return { conversationId: message.conversationId, widget };
}

const assigneeOf = (conversationId: string) => assigneeOfIn(server.parley, conversationId);

/** The "why this agent" entries of the organization, oldest first. */
async function assignments(orgId: string): Promise<Extract<MessageMeta, { kind: 'assignment' }>[]> {
  const rows = await server.parley.db
    .selectFrom('messages')
    .select(['meta', 'internal'])
    .where('org_id', '=', orgId)
    .where('meta', 'is not', null)
    .orderBy('created_at')
    .orderBy('seq')
    .execute();
  for (const row of rows) expect(row.internal).toBe(1);
  return rows
    .map((r) => JSON.parse(r.meta!) as MessageMeta)
    .filter((m): m is Extract<MessageMeta, { kind: 'assignment' }> => m.kind === 'assignment');
}

async function loads(orgId: string): Promise<Record<string, number>> {
  const rows = await server.parley.db
    .selectFrom('conversations')
    .select('assignee_id')
    .where('org_id', '=', orgId)
    .where('status', 'in', ['open', 'pending'])
    .where('assignee_id', 'is not', null)
    .execute();
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.assignee_id!] = (counts[r.assignee_id!] ?? 0) + 1;
  return counts;
}

async function resolveAs(email: string, conversationId: string) {
  const cookie = await login(server, { email, password: AGENT_PASSWORD });
  const reply = await api(
    server,
    cookie,
    'POST',
    `/api/v1/conversations/${conversationId}/resolve`,
  );
  expect(reply.status).toBe(200);
}

async function emailOf(agentId: string): Promise<string> {
  const row = await server.parley.db
    .selectFrom('agents')
    .select('email')
    .where('id', '=', agentId)
    .executeTakeFirstOrThrow();
  return row.email;
}

describe('auto-assignment', () => {
  it('spreads 60 new conversations over 3 online agents 20/20/20 by round-robin', async () => {
    const team = await createTeam(server);
    const agents = await Promise.all(
      ['Ana', 'Bo', 'Cy'].map((n) => routingAgent(server.parley, team.orgId, n, { maxChats: 100 })),
    );
    for (const id of agents) await setPresence(server.parley, id, 'online');
    await Promise.all(Array.from({ length: 60 }, () => openConversation(team)));
    await eventually(async () =>
      expect(Object.values(await loads(team.orgId))).toEqual([20, 20, 20]),
    );
    const entries = await assignments(team.orgId);
    expect(entries).toHaveLength(60);
    expect(entries.every((e) => e.strategy === 'round_robin')).toBe(true);
    // Each takes the next one in turn: no agent twice in a row.
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i]!.agentId).not.toBe(entries[i - 1]!.agentId);
    }
  });

  it('gives every conversation to the agent with the fewest open chats, by least-busy', async () => {
    const team = await createTeam(server);
    const [ana, bo, cy] = await Promise.all(
      ['Ana', 'Bo', 'Cy'].map((n) => routingAgent(server.parley, team.orgId, n, { maxChats: 10 })),
    );
    await createDepartment(server.parley, team.orgId, {
      strategy: 'least_busy',
      members: [ana!, bo!, cy!],
      siteDefault: true,
    });
    // Ana alone takes three, then Bo joins and takes one.
    await setPresence(server.parley, ana!, 'online');
    const first = [];
    for (let i = 0; i < 3; i++) first.push(await openConversation(team));
    await eventually(async () => expect(await loads(team.orgId)).toEqual({ [ana!]: 3 }));
    await setPresence(server.parley, bo!, 'online');
    await openConversation(team);
    await eventually(async () => expect(await loads(team.orgId)).toEqual({ [ana!]: 3, [bo!]: 1 }));
    await setPresence(server.parley, cy!, 'online');
    await resolveAs(await emailOf(ana!), first[0]!.conversationId);
    // Loads now: Ana 2, Bo 1, Cy 0; each of the next five goes to one of the least busy.
    for (let i = 0; i < 5; i++) {
      await openConversation(team);
      await eventually(async () => expect(await assignments(team.orgId)).toHaveLength(5 + i));
    }
    const entries = await assignments(team.orgId);
    for (const entry of entries) {
      expect(entry.strategy).toBe('least_busy');
      const fewest = Math.min(...entry.candidates.map((c) => c.load));
      expect(entry.candidates.find((c) => c.agentId === entry.agentId)!.load).toBe(fewest);
    }
    expect(Object.values(await loads(team.orgId)).sort()).toEqual([2, 3, 3]);
  });

  it('prefers an agent who speaks the visitor language, and says why', async () => {
    const team = await createTeam(server);
    const ana = await routingAgent(server.parley, team.orgId, 'Ana', { languages: ['en'] });
    const bo = await routingAgent(server.parley, team.orgId, 'Bo', { languages: ['pt-PT', 'en'] });
    for (const id of [ana, bo]) await setPresence(server.parley, id, 'online');
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push(await openConversation(team, 'pt-br'));
    await eventually(async () => expect(await assignments(team.orgId)).toHaveLength(3));
    for (const { conversationId } of opened) expect(await assigneeOf(conversationId)).toBe(bo);
    const [entry] = await assignments(team.orgId);
    expect(entry).toMatchObject({
      agentName: 'Bo',
      language: 'pt-BR',
      languageMatch: true,
      departmentId: null,
    });
    expect(entry!.candidates).toEqual(
      expect.arrayContaining([
        { agentId: ana, name: 'Ana', load: 0, maxChats: 5, speaksLanguage: false },
        { agentId: bo, name: 'Bo', load: 0, maxChats: 5, speaksLanguage: true },
      ]),
    );
    const conversation = await server.parley.db
      .selectFrom('conversations')
      .select('language')
      .where('id', '=', opened[0]!.conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation.language).toBe('pt-BR');
  });

  it('never gives an agent more than their maximum; the queue moves up as chats are resolved', async () => {
    const team = await createTeam(server);
    const ana = await routingAgent(server.parley, team.orgId, 'Ana', { maxChats: 2 });
    const bo = await routingAgent(server.parley, team.orgId, 'Bo', { maxChats: 1 });
    for (const id of [ana, bo]) await setPresence(server.parley, id, 'online');
    const opened = await Promise.all(Array.from({ length: 5 }, () => openConversation(team)));
    await eventually(async () => expect(await loads(team.orgId)).toEqual({ [ana]: 2, [bo]: 1 }));
    const chats = await Promise.all(
      opened.map(async (o) => ({ ...o, assignee: await assigneeOf(o.conversationId) })),
    );
    const inLine = await Promise.all(
      chats
        .filter((c) => c.assignee === null)
        .map(async (c) => ({
          ...c,
          place: await requestOk<QueuePosition>(c.widget, 'queue:position', {}),
        })),
    );
    expect(inLine.map((c) => c.place.position).sort()).toEqual([1, 2]);
    const last = inLine.find((c) => c.place.position === 2)!;
    const pushes = collect<QueuePosition>(last.widget, 'queue:position');

    // Bo resolves his chat: the first in line goes to him, the last moves up.
    const bos = chats.find((c) => c.assignee === bo)!;
    await resolveAs(await emailOf(bo), bos.conversationId);
    await eventually(() => expect(pushes.at(-1)?.position).toBe(1));
    expect(await loads(team.orgId)).toEqual({ [ana]: 2, [bo]: 1 });
    // Ana resolves one: the last one in line is hers now, and no longer waits.
    const anas = chats.find((c) => c.assignee === ana)!;
    await resolveAs(await emailOf(ana), anas.conversationId);
    await eventually(() => expect(pushes.at(-1)?.position).toBe(null));
    expect(await assigneeOf(last.conversationId)).toBe(ana);
    expect(await loads(team.orgId)).toEqual({ [ana]: 2, [bo]: 1 });
    expect(pushes.map((p) => p.conversationId)).toEqual(pushes.map(() => last.conversationId));
  });
});

describe('the queue', () => {
  /** What the organization's waiting visitors are told, in order, from now on. */
  function positionsTold(orgId: string): { visitorId: string; position: QueuePosition }[] {
    const told: { visitorId: string; position: QueuePosition }[] = [];
    server.parley.events.on('queue.position', (e) => {
      if (e.orgId === orgId) told.push({ visitorId: e.visitorId, position: e.position });
    });
    return told;
  }

  async function visitorOf(conversationId: string): Promise<string> {
    const row = await server.parley.db
      .selectFrom('conversations')
      .select('visitor_id')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    return row.visitor_id;
  }

  it('tells only a newcomer its place while nobody is assigned, counting its own queue', async () => {
    const team = await createTeam(server); // nobody online: everyone waits
    const told = positionsTold(team.orgId);
    const inTeam = [await openConversation(team), await openConversation(team)];
    const sales = await createDepartment(server.parley, team.orgId, {
      strategy: 'round_robin',
      members: [],
      siteDefault: true,
    });
    const inSales = [await openConversation(team), await openConversation(team)];
    const opened = [...inTeam, ...inSales];
    // The ack comes after the pass and its announcements: one each, to its own visitor.
    const expected = [];
    for (const [i, o] of opened.entries()) {
      const { conversationId } = o;
      const position = { conversationId, position: (i % 2) + 1, estimatedWaitSeconds: null };
      expected.push({ visitorId: await visitorOf(conversationId), position });
    }
    expect(told).toEqual(expected);
    // The department deleted, its waiting conversations join the team's line behind the others.
    await server.parley.db
      .updateTable('departments')
      .set({ deleted_at: new Date().toISOString() })
      .where('id', '=', sales)
      .execute();
    const places = await Promise.all(
      opened.map((o) => requestOk<QueuePosition>(o.widget, 'queue:position', {})),
    );
    expect(places.map((p) => p.position)).toEqual([1, 2, 3, 4]);
  });

  it('tells everyone behind a waiting conversation that is resolved that they moved up', async () => {
    const team = await createTeam(server);
    const first = await openConversation(team);
    const second = await openConversation(team);
    const pushes = collect<QueuePosition>(second.widget, 'queue:position');
    await resolveAs(team.ownerEmail, first.conversationId);
    await eventually(() => expect(pushes.at(-1)?.position).toBe(1));
  });
});

describe('claim and take over', () => {
  async function signIn(agentId: string) {
    return login(server, { email: await emailOf(agentId), password: AGENT_PASSWORD });
  }

  it('lets one agent claim a waiting conversation; the next one is told it is taken', async () => {
    const team = await createTeam(server);
    const ana = await routingAgent(server.parley, team.orgId, 'Ana');
    const bo = await routingAgent(server.parley, team.orgId, 'Bo');
    const { conversationId, widget } = await openConversation(team); // nobody online: it waits
    const pushes = collect<QueuePosition>(widget, 'queue:position');
    const path = `/api/v1/conversations/${conversationId}/claim`;
    const claimed = await api<{ conversation: { assigneeId: string; queuedAt: string | null } }>(
      server,
      await signIn(ana),
      'POST',
      path,
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body.conversation).toMatchObject({ assigneeId: ana, queuedAt: null });
    const refused = await api(server, await signIn(bo), 'POST', path);
    expect([refused.status, codeOf(refused)]).toEqual([409, 'already_assigned']);
    expect(await assigneeOf(conversationId)).toBe(ana);
    await eventually(() => expect(pushes.at(-1)?.position).toBe(null));
    const metas = await server.parley.db
      .selectFrom('messages')
      .select(['meta', 'internal'])
      .where('conversation_id', '=', conversationId)
      .where('meta', 'is not', null)
      .execute();
    expect(metas.map((m) => [JSON.parse(m.meta!), m.internal])).toEqual([
      [{ kind: 'claimed', agentId: ana, agentName: 'Ana', takeover: false }, 1],
    ]);
  });

  it('lets supervisors take over an assigned conversation, and not agents', async () => {
    const team = await createTeam(server);
    const ana = await routingAgent(server.parley, team.orgId, 'Ana');
    const bo = await routingAgent(server.parley, team.orgId, 'Bo');
    const sue = await routingAgent(server.parley, team.orgId, 'Sue', { role: 'supervisor' });
    await setPresence(server.parley, ana, 'online');
    const { conversationId } = await openConversation(team);
    await eventually(async () => expect(await assigneeOf(conversationId)).toBe(ana));
    const path = `/api/v1/conversations/${conversationId}/take-over`;
    const refused = await api(server, await signIn(bo), 'POST', path);
    expect([refused.status, codeOf(refused)]).toEqual([403, 'forbidden']);
    expect(await assigneeOf(conversationId)).toBe(ana);
    const taken = await api(server, await signIn(sue), 'POST', path);
    expect(taken.status).toBe(200);
    expect(await assigneeOf(conversationId)).toBe(sue);
    const last = await server.parley.db
      .selectFrom('messages')
      .select('meta')
      .where('conversation_id', '=', conversationId)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(last.meta!)).toEqual({
      kind: 'claimed',
      agentId: sue,
      agentName: 'Sue',
      takeover: true,
    });
  });

  it('refuses an agent outside the conversation department, and a resolved one', async () => {
    const team = await createTeam(server);
    const ana = await routingAgent(server.parley, team.orgId, 'Ana');
    const bo = await routingAgent(server.parley, team.orgId, 'Bo');
    await createDepartment(server.parley, team.orgId, {
      strategy: 'round_robin',
      members: [ana],
      siteDefault: true,
    });
    const { conversationId } = await openConversation(team);
    const path = `/api/v1/conversations/${conversationId}/claim`;
    const outside = await api(server, await signIn(bo), 'POST', path);
    expect([outside.status, codeOf(outside)]).toEqual([403, 'not_in_department']);
    expect(await assigneeOf(conversationId)).toBe(null);
    const owner = await login(server, { email: team.ownerEmail, password: AGENT_PASSWORD });
    await api(server, owner, 'POST', `/api/v1/conversations/${conversationId}/resolve`);
    const resolved = await api(server, await signIn(ana), 'POST', path);
    expect([resolved.status, codeOf(resolved)]).toEqual([409, 'conversation_resolved']);
    expect(await assigneeOf(conversationId)).toBe(null);
  });
});

describe('what the visitor sees', () => {
  it('never receives the assignment reason, over the socket or in its sync', async () => {
    const team = await createTeam(server);
    const ana = await routingAgent(server.parley, team.orgId, 'Ana');
    const { conversationId, widget } = await openConversation(team);
    const heard = collect<Message>(widget, 'message:new');
    await setPresence(server.parley, ana, 'online');
    await eventually(async () => expect(await assigneeOf(conversationId)).toBe(ana));
    await requestOk(widget, 'message:send', { clientId: randomUUID(), body: 'Still there?' });
    await eventually(() => expect(heard.map((m) => m.body)).toContain('Still there?'));
    const sync = await requestOk<{ messages: Message[] }>(widget, 'conversation:sync', {
      afterSeq: 0,
    });
    for (const message of [...heard, ...sync.messages]) {
      expect(message.meta).toBe(null);
      expect(message.internal).toBe(false);
    }
    expect(sync.messages.map((m) => m.body)).toEqual(['Hello', 'Still there?']);
    // Nor does the agents' inbox preview show the entry: it shows what was said.
    const row = await server.parley.db
      .selectFrom('conversations')
      .select(['last_message_body', 'last_message_author'])
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ last_message_body: 'Still there?', last_message_author: 'visitor' });
    // The agents' REST history is not the visitor's to read, with or without its token.
    const history = await fetch(`${server.url}/api/v1/conversations/${conversationId}/messages`, {
      headers: { origin: team.origin },
    });
    expect(history.status).toBe(401);
  });

  it('routes a reopened conversation again, and a chosen department over the site default', async () => {
    const team = await createTeam(server);
    const ana = await routingAgent(server.parley, team.orgId, 'Ana');
    const bo = await routingAgent(server.parley, team.orgId, 'Bo');
    await createDepartment(server.parley, team.orgId, {
      strategy: 'round_robin',
      members: [ana],
      siteDefault: true,
    });
    const sales = await createDepartment(server.parley, team.orgId, {
      strategy: 'round_robin',
      members: [bo],
    });
    for (const id of [ana, bo]) await setPresence(server.parley, id, 'online');
    const { conversationId, widget } = await openConversation(team);
    await eventually(async () => expect(await assigneeOf(conversationId)).toBe(ana));
    await resolveAs(await emailOf(ana), conversationId);
    await setPresence(server.parley, ana, 'offline');
    await requestOk(widget, 'message:send', { clientId: randomUUID(), body: 'One more thing' });
    expect(await requestOk(widget, 'queue:position', {})).toMatchObject({ position: 1 });
    await setPresence(server.parley, ana, 'online');
    await eventually(async () => expect(await assigneeOf(conversationId)).toBe(ana));
    expect(await assignments(team.orgId)).toHaveLength(2);

    const res = await fetch(`${server.url}/api/v1/widget/visitors`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: team.origin,
        'x-forwarded-for': '10.10.0.1',
      },
      body: JSON.stringify({ siteKey: team.endpoint.widgetKey }),
    });
    const { token } = (await res.json()) as { token: string };
    const chooser = await connected(
      visitorSocket(team.endpoint, { token, language: 'not a language!' }, team.origin),
    );
    sockets.push(chooser);
    // The pre-chat form offers Sales, and the visitor picks it before writing.
    await server.parley.db
      .updateTable('sites')
      .set({ widget_settings: JSON.stringify({ preChat: { departments: [sales] } }) })
      .where('org_id', '=', team.orgId)
      .execute();
    await requestOk(chooser, 'visitor:identify', { departmentId: sales });
    const { message } = await requestOk<{ message: Message }>(chooser, 'message:send', {
      clientId: randomUUID(),
      body: 'Sales please',
    });
    await eventually(async () => expect(await assigneeOf(message.conversationId)).toBe(bo));
    expect(
      await request(chooser, 'queue:position', { conversationId: conversationId }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
