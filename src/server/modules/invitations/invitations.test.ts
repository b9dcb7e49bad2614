/**
 * Proactive invitations on the running server: an agent invites a browsing visitor, the source
 * offers it once, the visitor dismisses it or answers it, and the answer's first message starts
 * the conversation with the invitation, given to the inviting agent. Automatic rules fire once
 * per visit and never while the visitor chats. Every refusal has its code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  connectVisitor,
  createVisitor,
  login,
  request,
  requestOk,
  type VisitorCredentials,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { createOrganization } from '../../../../test/helpers/factories';
import { beacon, startVisit } from '../../../../test/helpers/invitation-visits';
import {
  AGENT_PASSWORD,
  routingAgent,
  seededOrgId,
  setPresence,
} from '../../../../test/helpers/routing';
import { SITE_ORIGIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { InvitationOffer, InvitationRule } from '../../../protocol/visitor-schemas';
import { transactionWriter, type Writer } from '../../db/writer';
import type { MessagesService } from '../messages/messages.service';
import type { RoutingService } from '../routing/routing.service';
import type { VisitorsService } from '../visitors/visitors.service';
import { InvitationsService } from './invitations.service';
import type { Message, SyncResult, VisitorConversation } from '../../../protocol/schemas';

let server: TestServer;
let orgId: string;
let siteId: string;
let admin: string;
let ana: { id: string; cookie: string };
let visitor: VisitorCredentials;
const sockets: VisitorSocket[] = [];

async function agentNamed(name: string): Promise<{ id: string; cookie: string }> {
  const id = await routingAgent(server.parley, orgId, name);
  const { email } = await server.parley.db
    .selectFrom('agents')
    .select('email')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { id, cookie: await login(server, { email, password: AGENT_PASSWORD }) };
}

const invite = (cookie: string, visitorId: string, message = 'Can I help you find a size?') =>
  api<{ invitation: { id: string } }>(
    server,
    cookie,
    'POST',
    `/api/v1/visitors/${visitorId}/invitations`,
    { message },
  );

const offer = async (visitorId: string, page = {}) =>
  server.parley.invitations.offerFor(await beacon(server.parley.db, visitorId, page));

async function widget(credentials = visitor): Promise<VisitorSocket> {
  const socket = await connectVisitor(server, credentials);
  sockets.push(socket);
  return socket;
}

function dismiss(id: string, body: Record<string, unknown>, origin: string | null = SITE_ORIGIN) {
  return fetch(`${server.url}/api/v1/widget/invitations/${id}/dismiss`, {
    method: 'POST',
    // As the loader sends it: text/plain, so the browser makes no preflight.
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...(origin ? { origin } : {}) },
    body: JSON.stringify(body),
  });
}

async function setRules(rules: Partial<InvitationRule>[]): Promise<void> {
  const full = rules.map((r, i) => ({
    id: `rule-${i}`,
    enabled: true,
    message: `Rule ${i} says hello`,
    urlPattern: '',
    seconds: 0,
    minVisit: 1,
    referrer: '',
    ...r,
  }));
  const reply = await api(server, admin, 'PUT', `/api/v1/sites/${siteId}/invitation-rules`, {
    rules: full,
  });
  expect(reply.status).toBe(200);
}

beforeEach(async () => {
  server = await startServer();
  orgId = await seededOrgId(server.parley);
  siteId = (await server.parley.db.selectFrom('sites').select('id').executeTakeFirstOrThrow()).id;
  admin = await login(server);
  ana = await agentNamed('Ana');
  visitor = await createVisitor(server);
  await startVisit(server.parley.db, visitor.visitorId);
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server.close();
});

describe('an agent invites a visitor', () => {
  it('is offered once, with the agent name, and then no more', async () => {
    const sent = await invite(ana.cookie, visitor.visitorId);
    expect(sent.status).toBe(201);
    expect(await offer(visitor.visitorId)).toEqual({
      id: sent.body.invitation.id,
      message: 'Can I help you find a size?',
      agentName: 'Ana',
    });
    expect(await offer(visitor.visitorId)).toBeNull();
    const row = await server.parley.db
      .selectFrom('invitations')
      .select(['shown_at', 'agent_id'])
      .executeTakeFirstOrThrow();
    expect(row.shown_at).not.toBeNull();
    expect(row.agent_id).toBe(ana.id);
  });

  it('is offered to one of two beacons at once, never both', async () => {
    const sent = await invite(ana.cookie, visitor.visitorId);
    expect(sent.status).toBe(201);
    const offers = await Promise.all(Array.from({ length: 5 }, () => offer(visitor.visitorId)));
    expect(offers.filter((o) => o !== null).map((o) => o!.id)).toEqual([sent.body.invitation.id]);
  });

  it('refuses a visitor who left, or never came', async () => {
    const gone = await createVisitor(server);
    expect(codeOf(await invite(ana.cookie, gone.visitorId))).toBe('visitor_not_on_site');
    await startVisit(server.parley.db, gone.visitorId, 5 * 60);
    const reply = await invite(ana.cookie, gone.visitorId);
    expect([reply.status, codeOf(reply)]).toEqual([409, 'visitor_not_on_site']);
  });

  it('refuses a visitor who is chatting, and offers nothing while it chats', async () => {
    await invite(ana.cookie, visitor.visitorId);
    await requestOk(await widget(), 'message:send', { clientId: 'c1', body: 'Hello?' });
    const reply = await invite(ana.cookie, visitor.visitorId);
    expect([reply.status, codeOf(reply)]).toEqual([409, 'visitor_chatting']);
    await setRules([{}]);
    expect(await offer(visitor.visitorId)).toBeNull();
  });

  it('refuses an empty or huge message', async () => {
    expect(codeOf(await invite(ana.cookie, visitor.visitorId, '   '))).toBe('invalid_payload');
    const huge = await invite(ana.cookie, visitor.visitorId, 'x'.repeat(501));
    expect(codeOf(huge)).toBe('invalid_payload');
  });
});

describe('another organization', () => {
  it('cannot invite this visitor, nor see that it exists', async () => {
    const foreign = { email: 'owner@other.test', password: AGENT_PASSWORD };
    await createOrganization(server.parley.db, 'other', foreign, 'https://other.test');
    const cookie = await login(server, foreign);
    const reply = await invite(cookie, visitor.visitorId);
    expect([reply.status, codeOf(reply)]).toEqual([404, 'not_found']);
    expect(await server.parley.db.selectFrom('invitations').selectAll().execute()).toEqual([]);
    const rules = await api(server, cookie, 'GET', `/api/v1/sites/${siteId}/invitation-rules`);
    expect(codeOf(rules)).toBe('not_found');
  });

  it('nobody signed in cannot invite', async () => {
    const reply = await invite('', visitor.visitorId);
    expect(reply.status).toBe(401);
  });
});

describe('the visitor answers', () => {
  it('starts the conversation with the invitation, given to the inviting agent', async () => {
    const bo = await agentNamed('Bo');
    await setPresence(server.parley, bo.id, 'online');
    await setPresence(server.parley, ana.id, 'online');
    const { body } = await invite(ana.cookie, visitor.visitorId, 'Hi, need a hand?');
    await offer(visitor.visitorId);
    const socket = await widget();
    const answered = await requestOk<{ invitation: InvitationOffer }>(socket, 'invitation:reply', {
      invitationId: body.invitation.id,
    });
    expect(answered.invitation).toMatchObject({ message: 'Hi, need a hand?', agentName: 'Ana' });
    const sent = await requestOk<{ message: Message }>(socket, 'message:send', {
      clientId: 'first',
      body: 'Yes please',
    });
    expect(sent.message.seq).toBe(2);
    const sync = await requestOk<SyncResult<VisitorConversation>>(socket, 'conversation:sync', {
      afterSeq: 0,
    });
    expect(sync.messages.map((m) => [m.author.type, m.author.name, m.body])).toEqual([
      ['agent', 'Ana', 'Hi, need a hand?'],
      ['visitor', null, 'Yes please'],
    ]);
    const conversation = await server.parley.db
      .selectFrom('conversations')
      .select(['id', 'assignee_id', 'queued_at'])
      .executeTakeFirstOrThrow();
    expect(conversation.assignee_id).toBe(ana.id);
    expect(conversation.queued_at).toBeNull();
    const row = await server.parley.db
      .selectFrom('invitations')
      .select(['answered_at', 'conversation_id'])
      .executeTakeFirstOrThrow();
    expect(row.answered_at).not.toBeNull();
    expect(row.conversation_id).toBe(conversation.id);
    // Answered: a second "Reply" is refused, and the next message is an ordinary one.
    const again = await request(socket, 'invitation:reply', { invitationId: body.invitation.id });
    expect(again.ok ? null : again.error.code).toBe('invitation_closed');
  });

  it('waits in line when the inviting agent went offline', async () => {
    const { body } = await invite(ana.cookie, visitor.visitorId);
    const socket = await widget();
    await requestOk(socket, 'invitation:reply', { invitationId: body.invitation.id });
    await requestOk(socket, 'message:send', { clientId: 'first', body: 'Hello' });
    const conversation = await server.parley.db
      .selectFrom('conversations')
      .select(['assignee_id', 'queued_at'])
      .executeTakeFirstOrThrow();
    expect(conversation.assignee_id).toBeNull();
    expect(conversation.queued_at).not.toBeNull();
  });

  it("cannot answer another visitor's invitation", async () => {
    const { body } = await invite(ana.cookie, visitor.visitorId);
    const other = await createVisitor(server);
    const reply = await request(await widget(other), 'invitation:reply', {
      invitationId: body.invitation.id,
    });
    expect(reply.ok ? null : reply.error.code).toBe('not_found');
  });
});

describe('the visitor dismisses', () => {
  it('with its token, from an allowed page; then it cannot answer', async () => {
    const { body } = await invite(ana.cookie, visitor.visitorId);
    const id = body.invitation.id;
    const res = await dismiss(id, { siteKey: server.widgetKey, ...visitor });
    expect(res.status).toBe(204);
    expect((await dismiss(id, { siteKey: server.widgetKey, ...visitor })).status).toBe(204);
    const reply = await request(await widget(), 'invitation:reply', { invitationId: id });
    expect(reply.ok ? null : reply.error.code).toBe('invitation_closed');
  });

  it('refuses a forged token, a missing or foreign Origin, and another visitor', async () => {
    const { body } = await invite(ana.cookie, visitor.visitorId);
    const id = body.invitation.id;
    const forged = { siteKey: server.widgetKey, visitorId: visitor.visitorId, token: 'forged' };
    expect((await dismiss(id, forged)).status).toBe(401);
    const own = { siteKey: server.widgetKey, ...visitor };
    expect((await dismiss(id, own, null)).status).toBe(403);
    expect((await dismiss(id, own, 'https://evil.test')).status).toBe(403);
    const other = await createVisitor(server);
    const res = await dismiss(id, { siteKey: server.widgetKey, ...other });
    expect(res.status).toBe(404);
    const claimed = await dismiss(id, {
      siteKey: server.widgetKey,
      ...other,
      visitorId: visitor.visitorId,
    });
    expect(claimed.status).toBe(401);
    expect((await dismiss(id, 'not json' as never)).status).toBe(400);
    const row = await server.parley.db
      .selectFrom('invitations')
      .select('dismissed_at')
      .executeTakeFirstOrThrow();
    expect(row.dismissed_at).toBeNull();
  });
});

describe('automatic rules', () => {
  it('fire at most once per visit, and again on the next visit', async () => {
    await setRules([{ urlPattern: '/pricing*', seconds: 10, message: 'Questions about plans?' }]);
    const pricing = { url: 'http://shop.test/pricing', secondsOnPage: 12 };
    expect(await offer(visitor.visitorId, { ...pricing, secondsOnPage: 5 })).toBeNull();
    expect(
      await offer(visitor.visitorId, { url: 'http://shop.test/', secondsOnPage: 60 }),
    ).toBeNull();
    const first = await offer(visitor.visitorId, pricing);
    expect(first).toMatchObject({ message: 'Questions about plans?', agentName: null });
    expect(await offer(visitor.visitorId, pricing)).toBeNull();
    await startVisit(server.parley.db, visitor.visitorId);
    expect(await offer(visitor.visitorId, pricing)).not.toBeNull();
  });

  it('open no write for a beacon that matches no rule', async () => {
    await setRules([{ urlPattern: '/pricing*', message: 'Questions about plans?' }]);
    const inner = transactionWriter(server.parley.db);
    let writes = 0;
    const counting: Writer = {
      write: (work, options) => {
        writes += 1;
        return inner.write(work, options);
      },
    };
    // Deciding an offer needs neither messages, routing nor the visitors service.
    const source = new InvitationsService(
      server.parley.db,
      counting,
      {} as MessagesService,
      {} as RoutingService,
      {} as VisitorsService,
    );
    const ctx = await beacon(server.parley.db, visitor.visitorId);
    expect(await source.offerFor(ctx)).toBeNull();
    expect(writes).toBe(0);
    expect(await source.offerFor({ ...ctx, url: 'http://shop.test/pricing' })).not.toBeNull();
    expect(writes).toBe(1);
  });

  it('fire once even when beacons of one visit come at once', async () => {
    await setRules([{}]);
    const offers = await Promise.all(Array.from({ length: 5 }, () => offer(visitor.visitorId)));
    expect(offers.filter((o) => o !== null)).toHaveLength(1);
  });

  it('go after an agent invitation, and move on to the next rule', async () => {
    await setRules([{ message: 'first' }, { message: 'second' }]);
    await invite(ana.cookie, visitor.visitorId, 'from Ana');
    expect((await offer(visitor.visitorId))?.message).toBe('from Ana');
    expect((await offer(visitor.visitorId))?.message).toBe('first');
    expect((await offer(visitor.visitorId))?.message).toBe('second');
    expect(await offer(visitor.visitorId)).toBeNull();
  });

  it("answered, start the conversation with the rule's message in the site's name", async () => {
    await setRules([{ message: 'Hello from the shop' }]);
    const shown = await offer(visitor.visitorId);
    const socket = await widget();
    await requestOk(socket, 'invitation:reply', { invitationId: shown!.id });
    await requestOk(socket, 'message:send', { clientId: 'first', body: 'Hi' });
    const sync = await requestOk<SyncResult<VisitorConversation>>(socket, 'conversation:sync', {
      afterSeq: 0,
    });
    expect(sync.messages.map((m) => [m.author.type, m.body])).toEqual([
      ['bot', 'Hello from the shop'],
      ['visitor', 'Hi'],
    ]);
  });

  it('are edited by owners and admins only, and the loader learns when to report', async () => {
    await setRules([{ seconds: 30 }, { seconds: 8 }, { seconds: 30, enabled: false }]);
    const got = await api<{ rules: InvitationRule[] }>(
      server,
      admin,
      'GET',
      `/api/v1/sites/${siteId}/invitation-rules`,
    );
    expect(got.body.rules.map((r) => r.seconds)).toEqual([30, 8, 30]);
    const byAgent = await api(
      server,
      ana.cookie,
      'PUT',
      `/api/v1/sites/${siteId}/invitation-rules`,
      {
        rules: [],
      },
    );
    expect(codeOf(byAgent)).toBe('forbidden');
    const config = await fetch(`${server.url}/api/v1/widget/config?site=${server.widgetKey}`, {
      headers: { origin: SITE_ORIGIN },
    });
    expect(((await config.json()) as { tracking: { trackAt: number[] } }).tracking.trackAt).toEqual(
      [8, 30],
    );
  });

  it('refuses rules with the same id, or too many', async () => {
    const rule = {
      id: 'same',
      enabled: true,
      message: 'm',
      urlPattern: '',
      seconds: 0,
      minVisit: 1,
      referrer: '',
    };
    const path = `/api/v1/sites/${siteId}/invitation-rules`;
    expect(codeOf(await api(server, admin, 'PUT', path, { rules: [rule, rule] }))).toBe(
      'invalid_payload',
    );
    const many = Array.from({ length: 21 }, (_, i) => ({ ...rule, id: `r${i}` }));
    expect(codeOf(await api(server, admin, 'PUT', path, { rules: many }))).toBe('invalid_payload');
  });
});
