import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  collect,
  connectAgent,
  connectVisitor,
  eventually,
  createVisitor,
  login,
  requestOk,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { startServer, type TestServer } from '../../../../test/helpers/server';
import { seedVisit } from '../../../../test/helpers/visits';
import type {
  LiveVisitor,
  LiveVisitorsReply,
  VisitorProfileReply,
} from '../../../protocol/visitor-schemas';

const SCRIPT = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

let server: TestServer;
let owner: string;
let siteId: string;
const sockets: VisitorSocket[] = [];

beforeEach(async () => {
  server = await startServer();
  owner = await login(server);
  siteId = (await server.parley.db.selectFrom('sites').select('id').executeTakeFirstOrThrow()).id;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server.close();
});

async function live(query = '', cookie = owner): Promise<LiveVisitor[]> {
  const reply = await api<LiveVisitorsReply>(
    server,
    cookie,
    'GET',
    `/api/v1/visitors/live${query}`,
  );
  expect(reply.status).toBe(200);
  return reply.body.visitors;
}

async function visitorOnPages(pages: string[], seed: Parameters<typeof seedVisit>[3] = {}) {
  const { visitorId, token } = await createVisitor(server);
  await seedVisit(
    server.parley.db,
    visitorId,
    pages.map((url) => ({ url, title: `Title of ${url}` })),
    seed,
  );
  return { visitorId, token };
}

/** The visitor starts chatting: its first message opens a conversation. */
async function chat(visitor: { visitorId: string; token: string }): Promise<string> {
  const socket = await connectVisitor(server, visitor);
  sockets.push(socket);
  const sent = await requestOk<{ message: { conversationId: string } }>(socket, 'message:send', {
    clientId: randomUUID(),
    body: 'Hello, is the blue one in stock?',
  });
  return sent.message.conversationId;
}

describe('the live visitors view', () => {
  it('lists who is on the site now with their visit, and leaves out visits that ended or went quiet', async () => {
    const ana = await visitorOnPages(['https://shop.test/', 'https://shop.test/pricing'], {
      referrer: 'https://search.example/?q=shoes',
      country: 'FR',
      city: 'Lyon',
      browser: 'Firefox',
      os: 'Linux',
      device: 'desktop',
      earlierVisits: 2,
    });
    await visitorOnPages(['https://shop.test/gone'], {
      lastSeenAt: new Date(Date.now() - 10 * 60_000),
    });

    const visitors = await live();
    expect(visitors).toHaveLength(1);
    expect(visitors[0]).toMatchObject({
      visitorId: ana.visitorId,
      siteId,
      currentUrl: 'https://shop.test/pricing',
      currentTitle: 'Title of https://shop.test/pricing',
      referrer: 'https://search.example/?q=shoes',
      pagesThisVisit: 2,
      visitCount: 3,
      country: 'FR',
      city: 'Lyon',
      device: { browser: 'Firefox', os: 'Linux', device: 'desktop' },
      conversationId: null,
      assigneeName: null,
      verified: false,
    });
  });

  it('filters by site, country, page and chatting', async () => {
    const french = await visitorOnPages(['https://shop.test/pricing'], { country: 'FR' });
    const german = await visitorOnPages(['https://shop.test/blog/post'], { country: 'DE' });
    const conversationId = await chat(german);

    const ids = (visitors: { visitorId: string }[]) => visitors.map((v) => v.visitorId).sort();
    expect(ids(await live(`?siteId=${siteId}`))).toEqual(ids([french, german]));
    expect(ids(await live('?siteId=another-site'))).toEqual([]);
    expect(ids(await live('?country=fr'))).toEqual([french.visitorId]);
    expect(ids(await live('?page=BLOG'))).toEqual([german.visitorId]);
    expect(ids(await live('?chatting=no'))).toEqual([french.visitorId]);
    const chatting = await live('?chatting=yes');
    expect(chatting.map((v) => [v.visitorId, v.conversationId])).toEqual([
      [german.visitorId, conversationId],
    ]);
  });

  it('shows a visitor with two open conversations once, with the latest updated, and verified when identified', async () => {
    const visitor = await visitorOnPages(['https://shop.test/']);
    const latest = await chat(visitor);
    const db = server.parley.db;
    const conversation = await db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', latest)
      .executeTakeFirstOrThrow();
    const earlier = new Date(Date.parse(conversation.updated_at) - 60_000).toISOString();
    const later = new Date(Date.parse(conversation.updated_at) + 60_000).toISOString();
    await db
      .insertInto('conversations')
      .values([
        { ...conversation, id: randomUUID(), updated_at: earlier },
        { ...conversation, id: randomUUID(), status: 'resolved', updated_at: later },
      ])
      .execute();
    await db
      .updateTable('visitors')
      .set({ external_id: 'customer-42' })
      .where('id', '=', visitor.visitorId)
      .execute();

    const expected = { visitorId: visitor.visitorId, conversationId: latest, verified: true };
    const visitors = await live();
    expect(visitors).toHaveLength(1);
    expect(visitors[0]).toMatchObject(expected);
    const profile = await api<VisitorProfileReply>(
      server,
      owner,
      'GET',
      `/api/v1/visitors/${visitor.visitorId}`,
    );
    expect(profile.body.visitor).toMatchObject({ ...expected, online: true });
  });

  it('refuses bad filters with invalid_payload, and strangers with unauthorized', async () => {
    for (const query of ['?country=FRA', '?chatting=maybe', `?page=${'x'.repeat(201)}`]) {
      const reply = await api(server, owner, 'GET', `/api/v1/visitors/live${query}`);
      expect([reply.status, codeOf(reply)]).toEqual([400, 'invalid_payload']);
    }
    const anonymous = await api(server, undefined, 'GET', '/api/v1/visitors/live');
    expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'unauthorized']);
  });
});

describe('the visitor profile', () => {
  it("shows the visit's trail, earlier visits and conversations, attributes, notes and the pre-chat department", async () => {
    const visitor = await visitorOnPages(['https://shop.test/', 'https://shop.test/cart'], {
      earlierVisits: 1,
      attributes: { plan: 'gold', [SCRIPT]: SCRIPT },
    });
    const conversationId = await chat(visitor);

    const reply = await api<VisitorProfileReply>(
      server,
      owner,
      'GET',
      `/api/v1/visitors/${visitor.visitorId}`,
    );
    expect(reply.status).toBe(200);
    const profile = reply.body;
    expect(profile.visitor).toMatchObject({
      visitorId: visitor.visitorId,
      online: true,
      visitCount: 2,
      attributes: { plan: 'gold', [SCRIPT]: SCRIPT },
      notes: '',
      conversationId,
    });
    expect(profile.trail.map((p) => p.url)).toEqual([
      'https://shop.test/',
      'https://shop.test/cart',
    ]);
    expect(profile.visits).toHaveLength(2);
    expect(profile.conversations.map((c) => [c.id, c.preview])).toEqual([
      [conversationId, 'Hello, is the blue one in stock?'],
    ]);
    expect(profile.preChat).toEqual({ department: null });
  });

  it('names the department the pre-chat form picked', async () => {
    const { visitorId } = await visitorOnPages(['https://shop.test/']);
    const departmentId = randomUUID();
    await server.parley.db
      .insertInto('departments')
      .values({
        id: departmentId,
        org_id: await orgId(),
        name: 'Billing',
        strategy: 'round_robin',
        last_assigned_agent_id: null,
        created_at: new Date().toISOString(),
        deleted_at: null,
      })
      .execute();
    await server.parley.db
      .updateTable('visitors')
      .set({ chosen_department_id: departmentId })
      .where('id', '=', visitorId)
      .execute();
    const reply = await api<VisitorProfileReply>(
      server,
      owner,
      'GET',
      `/api/v1/visitors/${visitorId}`,
    );
    expect(reply.body.preChat).toEqual({ department: 'Billing' });
  });

  it('lists only the conversations the agent may see when agents do not see all', async () => {
    const visitor = await visitorOnPages(['https://shop.test/']);
    const conversationId = await chat(visitor);
    const departmentId = randomUUID();
    const db = server.parley.db;
    await db
      .insertInto('departments')
      .values({
        id: departmentId,
        org_id: await orgId(),
        name: 'Billing',
        strategy: 'round_robin',
        last_assigned_agent_id: null,
        created_at: new Date().toISOString(),
        deleted_at: null,
      })
      .execute();
    await db
      .updateTable('conversations')
      .set({ department_id: departmentId, assignee_id: null })
      .where('id', '=', conversationId)
      .execute();
    await db
      .updateTable('organizations')
      .set({ routing_settings: JSON.stringify({ agentsSeeAll: false }) })
      .execute();
    await createAgent(db, await orgId(), {
      email: 'nadia@shop.test',
      password: 'a long enough password',
      role: 'agent',
    });
    const nadia = await login(server, {
      email: 'nadia@shop.test',
      password: 'a long enough password',
    });

    const path = `/api/v1/visitors/${visitor.visitorId}`;
    const hers = await api<VisitorProfileReply>(server, nadia, 'GET', path);
    expect(hers.status).toBe(200);
    expect(hers.body.conversations).toEqual([]);
    const owners = await api<VisitorProfileReply>(server, owner, 'GET', path);
    expect(owners.body.conversations.map((c) => c.id)).toEqual([conversationId]);
  });

  it('is there for a visitor who chatted without ever being tracked', async () => {
    const visitor = await createVisitor(server);
    const reply = await api<VisitorProfileReply>(
      server,
      owner,
      'GET',
      `/api/v1/visitors/${visitor.visitorId}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.visitor).toMatchObject({
      online: false,
      pagesThisVisit: 0,
      currentUrl: null,
    });
    expect(reply.body.trail).toEqual([]);
  });

  it('lets an agent correct the name and email and keep notes, text kept as given', async () => {
    const { visitorId } = await visitorOnPages(['https://shop.test/']);
    const agentId = await createAgent(server.parley.db, await orgId(), {
      email: 'nadia@shop.test',
      password: 'a long enough password',
      role: 'agent',
    });
    expect(agentId).toBeTruthy();
    const nadia = await login(server, {
      email: 'nadia@shop.test',
      password: 'a long enough password',
    });

    const changed = await api<VisitorProfileReply>(
      server,
      nadia,
      'PATCH',
      `/api/v1/visitors/${visitorId}`,
      {
        name: `  ${SCRIPT}  `,
        email: 'ana@example.com',
        notes: `Wants the blue one.\n${SCRIPT}`,
      },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.visitor).toMatchObject({
      name: SCRIPT,
      email: 'ana@example.com',
      notes: `Wants the blue one.\n${SCRIPT}`,
    });

    const cleared = await api<VisitorProfileReply>(
      server,
      nadia,
      'PATCH',
      `/api/v1/visitors/${visitorId}`,
      {
        email: '',
      },
    );
    expect(cleared.body.visitor).toMatchObject({ name: SCRIPT, email: null });

    const logged = await server.parley.db
      .selectFrom('events')
      .select(['type', 'actor_id', 'data'])
      .where('visitor_id', '=', visitorId)
      .execute();
    expect(logged.map((e) => [e.type, e.actor_id])).toEqual([
      ['visitor.updated', agentId],
      ['visitor.updated', agentId],
    ]);
    // The log says which fields changed, never what they now say.
    expect(logged.map((e) => e.data).join()).not.toContain('blue');
  });

  it("redraws a live visitor's row in every console of the organization, and no other", async () => {
    const { visitorId } = await visitorOnPages(['https://shop.test/']);
    await createOrganization(
      server.parley.db,
      'other',
      { email: 'mallory@other.test', password: 'a long enough password' },
      'https://other.test',
    );
    const mallory = await login(server, {
      email: 'mallory@other.test',
      password: 'a long enough password',
    });
    const ours = await connectAgent(server, owner);
    const theirs = await connectAgent(server, mallory);
    try {
      const heard = collect<LiveVisitor>(ours, 'visitors:update');
      const overheard = collect<LiveVisitor>(theirs, 'visitors:update');
      await api(server, owner, 'PATCH', `/api/v1/visitors/${visitorId}`, { name: SCRIPT });
      await eventually(() => expect(heard).toHaveLength(1));
      expect(heard[0]).toMatchObject({ visitorId, name: SCRIPT, currentUrl: 'https://shop.test/' });
      expect(heard[0]).not.toHaveProperty('notes');
      // Notes are not on the live row: no redraw for them.
      await api(server, owner, 'PATCH', `/api/v1/visitors/${visitorId}`, { notes: 'VIP' });
      await api(server, owner, 'PATCH', `/api/v1/visitors/${visitorId}`, { email: 'a@b.co' });
      await eventually(() => expect(heard).toHaveLength(2));
      expect(overheard).toEqual([]);
    } finally {
      ours.close();
      theirs.close();
    }
  });

  it('refuses bad edits with a clear code and changes nothing', async () => {
    const { visitorId } = await visitorOnPages(['https://shop.test/']);
    const path = `/api/v1/visitors/${visitorId}`;
    const cases: [unknown, string][] = [
      [{ email: 'not an email' }, 'invalid_email'],
      [{ name: 'x'.repeat(101) }, 'invalid_payload'],
      [{ notes: 'x'.repeat(4001) }, 'invalid_payload'],
      [{ name: 'a\u0000b' }, 'invalid_payload'],
      [{ name: '\ud800' }, 'invalid_text'],
      [{ verified: true }, 'invalid_payload'],
      [{ name: 42 }, 'invalid_payload'],
    ];
    for (const [body, code] of cases) {
      const reply = await api(server, owner, 'PATCH', path, body);
      expect([reply.status, codeOf(reply), body]).toEqual([400, code, body]);
    }
    const notFound = await api(server, owner, 'PATCH', '/api/v1/visitors/no-such-visitor', {
      name: 'Ana',
    });
    expect([notFound.status, codeOf(notFound)]).toEqual([404, 'not_found']);
    const stored = await server.parley.db
      .selectFrom('visitors')
      .select(['name', 'email', 'notes'])
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: null, email: null, notes: null });
  });

  it('refuses an edit sent from another origin (a forged form on another site)', async () => {
    const { visitorId } = await visitorOnPages(['https://shop.test/']);
    const res = await fetch(`${server.url}/api/v1/visitors/${visitorId}`, {
      method: 'PATCH',
      headers: { cookie: owner, origin: 'https://evil.test', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Mallory' }),
    });
    expect(res.status).toBe(403);
  });
});

describe('another organization', () => {
  it("never sees nor changes this organization's visitors", async () => {
    const ana = await visitorOnPages(['https://shop.test/secret-page'], { country: 'FR' });
    await createOrganization(
      server.parley.db,
      'other',
      { email: 'mallory@other.test', password: 'a long enough password' },
      'https://other.test',
    );
    const mallory = await login(server, {
      email: 'mallory@other.test',
      password: 'a long enough password',
    });

    expect(await live('', mallory)).toEqual([]);
    const sites = await api<LiveVisitorsReply>(server, mallory, 'GET', '/api/v1/visitors/live');
    expect(sites.body.sites.map((site) => site.name)).toEqual(['other']);
    expect(await live(`?siteId=${siteId}`, mallory)).toEqual([]);
    const read = await api(server, mallory, 'GET', `/api/v1/visitors/${ana.visitorId}`);
    expect([read.status, codeOf(read)]).toEqual([404, 'not_found']);
    const write = await api(server, mallory, 'PATCH', `/api/v1/visitors/${ana.visitorId}`, {
      name: 'Mallory was here',
      notes: 'mine now',
    });
    expect([write.status, codeOf(write)]).toEqual([404, 'not_found']);
    const stored = await server.parley.db
      .selectFrom('visitors')
      .select(['name', 'notes'])
      .where('id', '=', ana.visitorId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: null, notes: null });
  });
});

async function orgId(): Promise<string> {
  return (await server.parley.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow())
    .id;
}
