/**
 * Every REST route and every agent socket event, as each role and as another organization's
 * agent: exactly the allowed outcomes, and nothing changed by the refused ones. A route or event
 * added without a row here fails the test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CLIENT_EVENTS } from '../../src/protocol/events';
import type { AgentRole, Message } from '../../src/protocol/schemas';
import { ROUTING_DEFAULTS } from '../../src/protocol/settings';
import {
  agentSocket,
  connected,
  connectVisitor,
  createVisitor,
  login,
  request,
  requestOk,
  type AgentSocket,
} from '../helpers/clients';
import { createAgent, createOrganization } from '../helpers/factories';
import { ADMIN, startServer, type TestServer } from '../helpers/server';

type Who = 'owner' | 'admin' | 'supervisor' | 'agent' | 'other organization';
const EVERYONE: Who[] = ['owner', 'admin', 'supervisor', 'agent', 'other organization'];
const PASSWORD = 'a long enough password';

interface Fixture {
  conversationId: string;
  visitorId: string;
  siteId: string;
  /**
   * Sites of ours for the DELETE row, one per caller (a deleted one is gone for the next). Another
   * organization aims at the agent's, which the agent's refusal left in place.
   */
  spareSiteIds: Record<Who, string>;
  /** The same for deactivation: agents of ours, one per caller. */
  spareAgentIds: Record<Who, string>;
  /** A second session of the owner's, by the id the sessions list gives it. */
  ownerSpareSessionId: string;
  /** Another conversation, for transfers, to an agent of ours made for them. */
  transferConversationId: string;
  transferTargetId: string;
  /** Transfers waiting for the agent-role agent: one for REST, one for the socket. */
  restTransferId: string;
  socketTransferId: string;
  departmentId: string;
  /** An agent of ours to add to departments and take out again. */
  memberAgentId: string;
  /** Departments of ours with `memberAgentId` in them, one per caller, as for sites. */
  spareDepartmentIds: Record<Who, string>;
  /** Waiting conversations to claim, one per caller, for REST and for the socket. */
  queuedForRest: Record<Who, string>;
  queuedForSocket: Record<Who, string>;
  /** Open conversations to take over (the fixture's own is resolved by then). */
  toTakeOver: { rest: string; socket: string };
  /** Glossary terms of ours to delete, one per caller, as for sites. */
  spareTermIds: Record<Who, string>;
}

/** What one caller gets: an HTTP status, or a socket ack's `ok` / error code. */
type Outcome = number | 'ok' | string;

/**
 * Our organization's roles succeed with `ours`; another organization gets `theirs`. A supervisor
 * gets what an agent gets unless told: the team and the sites are for admins and up.
 */
const byRole = (
  ours: Outcome,
  theirs: Outcome,
  agent: Outcome = ours,
  supervisor: Outcome = agent,
): Record<Who, Outcome> => ({
  owner: ours,
  admin: ours,
  supervisor,
  agent,
  'other organization': theirs,
});

interface RestCase {
  method: string;
  url: string;
  path: (f: Fixture, who: Who) => string;
  body?: (f: Fixture) => unknown;
  expect: Record<Who, Outcome>;
}

const REST: RestCase[] = [
  { method: 'GET', url: '/api/v1/me', path: () => '/api/v1/me', expect: byRole(200, 200) },
  {
    method: 'GET',
    url: '/api/v1/conversations',
    path: () => '/api/v1/conversations?status=open',
    expect: byRole(200, 200),
  },
  {
    method: 'GET',
    url: '/api/v1/conversations/:id',
    path: (f) => `/api/v1/conversations/${f.conversationId}`,
    expect: byRole(200, 404),
  },
  {
    method: 'GET',
    url: '/api/v1/conversations/:id/messages',
    path: (f) => `/api/v1/conversations/${f.conversationId}/messages`,
    expect: byRole(200, 404),
  },
  {
    method: 'POST',
    url: '/api/v1/conversations/:id/messages',
    path: (f) => `/api/v1/conversations/${f.conversationId}/messages`,
    body: () => ({ clientId: randomUUID(), body: 'Hello from REST' }),
    expect: byRole(201, 404),
  },
  { method: 'GET', url: '/api/v1/inbox', path: () => '/api/v1/inbox', expect: byRole(200, 200) },
  {
    // Supervisors and up: a plain agent is refused before the conversation is looked up.
    method: 'POST',
    url: '/api/v1/conversations/:id/join',
    path: (f) => `/api/v1/conversations/${f.conversationId}/join`,
    expect: byRole(200, 404, 403, 200),
  },
  {
    method: 'POST',
    url: '/api/v1/conversations/:id/whisper',
    path: (f) => `/api/v1/conversations/${f.conversationId}/whisper`,
    body: () => ({ clientId: randomUUID(), body: 'Psst' }),
    expect: byRole(201, 404, 403, 201),
  },
  {
    method: 'POST',
    url: '/api/v1/conversations/:id/transfers',
    path: (f) => `/api/v1/conversations/${f.transferConversationId}/transfers`,
    body: (f) => ({ toAgentId: f.transferTargetId, note: 'Over to you' }),
    expect: byRole(201, 404),
  },
  {
    // Only its target accepts a transfer (before the resolve below: resolved ones are refused).
    method: 'POST',
    url: '/api/v1/transfers/:id/accept',
    path: (f) => `/api/v1/transfers/${f.restTransferId}/accept`,
    expect: { owner: 403, admin: 403, supervisor: 403, agent: 200, 'other organization': 404 },
  },
  {
    method: 'GET',
    url: '/api/v1/transfers',
    path: () => '/api/v1/transfers',
    expect: byRole(200, 200),
  },
  {
    method: 'GET',
    url: '/api/v1/transfers/targets',
    path: () => '/api/v1/transfers/targets',
    expect: byRole(200, 200),
  },
  {
    method: 'POST',
    url: '/api/v1/conversations/:id/resolve',
    path: (f) => `/api/v1/conversations/${f.conversationId}/resolve`,
    expect: byRole(200, 404),
  },
  {
    method: 'POST',
    url: '/api/v1/conversations/:id/claim',
    path: (f, who) => `/api/v1/conversations/${f.queuedForRest[who]}/claim`,
    expect: byRole(200, 404),
  },
  {
    // Supervisors and up; agents may not take a conversation from a colleague.
    method: 'POST',
    url: '/api/v1/conversations/:id/take-over',
    path: (f) => `/api/v1/conversations/${f.toTakeOver.rest}/take-over`,
    expect: byRole(200, 404, 403, 200),
  },
  {
    method: 'GET',
    url: '/api/v1/sites',
    path: () => '/api/v1/sites',
    expect: byRole(200, 200, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/sites/:id',
    path: (f) => `/api/v1/sites/${f.siteId}`,
    expect: byRole(200, 404, 403),
  },
  {
    method: 'PATCH',
    url: '/api/v1/sites/:id',
    path: (f) => `/api/v1/sites/${f.siteId}`,
    body: () => ({ visitorMessagesPerMinute: 42 }),
    expect: byRole(200, 404, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/jobs/failed',
    path: () => '/api/v1/jobs/failed',
    expect: byRole(200, 200, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/sites/:id/refused-origins',
    path: (f) => `/api/v1/sites/${f.siteId}/refused-origins`,
    expect: byRole(200, 404, 403),
  },
  {
    method: 'POST',
    url: '/api/v1/sites/:id/allowed-origins',
    path: (f) => `/api/v1/sites/${f.siteId}/allowed-origins`,
    body: () => ({ origin: 'https://allowed-in-test.example' }),
    expect: byRole(200, 404, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/sites/:id/identity',
    path: (f) => `/api/v1/sites/${f.siteId}/identity`,
    expect: byRole(200, 404, 403),
  },
  {
    method: 'POST',
    url: '/api/v1/sites/:id/identity/secret',
    path: (f) => `/api/v1/sites/${f.siteId}/identity/secret`,
    expect: byRole(201, 404, 403),
  },
  {
    method: 'PATCH',
    url: '/api/v1/sites/:id/identity',
    path: (f) => `/api/v1/sites/${f.siteId}/identity`,
    body: () => ({ required: false }),
    expect: byRole(200, 404, 403),
  },
  {
    method: 'POST',
    url: '/api/v1/sites',
    path: () => '/api/v1/sites',
    body: () => ({ name: 'Another shop', allowedOrigins: ['https://another.example'] }),
    expect: byRole(201, 201, 403),
  },
  {
    method: 'DELETE',
    url: '/api/v1/sites/:id',
    path: (f, who) => `/api/v1/sites/${f.spareSiteIds[who]}`,
    expect: byRole(204, 404, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/departments',
    path: () => '/api/v1/departments',
    expect: byRole(200, 200),
  },
  {
    method: 'POST',
    url: '/api/v1/departments',
    path: () => '/api/v1/departments',
    body: () => ({ name: `Department ${randomUUID()}` }),
    expect: byRole(201, 201, 403),
  },
  {
    method: 'PATCH',
    url: '/api/v1/departments/:id',
    path: (f) => `/api/v1/departments/${f.departmentId}`,
    body: () => ({ strategy: 'least_busy' }),
    expect: byRole(200, 404, 403),
  },
  {
    method: 'PUT',
    url: '/api/v1/departments/:id/members/:agentId',
    path: (f) => `/api/v1/departments/${f.departmentId}/members/${f.memberAgentId}`,
    expect: byRole(200, 404, 403),
  },
  {
    method: 'DELETE',
    url: '/api/v1/departments/:id/members/:agentId',
    path: (f, who) => `/api/v1/departments/${f.spareDepartmentIds[who]}/members/${f.memberAgentId}`,
    expect: byRole(200, 404, 403),
  },
  {
    method: 'DELETE',
    url: '/api/v1/departments/:id',
    path: (f, who) => `/api/v1/departments/${f.spareDepartmentIds[who]}`,
    expect: byRole(204, 404, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/organization/routing',
    path: () => '/api/v1/organization/routing',
    expect: byRole(200, 200),
  },
  {
    method: 'PUT',
    url: '/api/v1/organization/routing',
    path: () => '/api/v1/organization/routing',
    body: () => ({ ...ROUTING_DEFAULTS, transferTimeoutSeconds: 90 }),
    expect: byRole(200, 200, 403),
  },
  {
    method: 'PATCH',
    url: '/api/v1/team/agents/:id/routing',
    path: (f) => `/api/v1/team/agents/${f.spareAgentIds.agent}/routing`,
    body: () => ({ maxChats: 7 }),
    expect: byRole(200, 404, 403),
  },
  { method: 'GET', url: '/api/v1/team', path: () => '/api/v1/team', expect: byRole(200, 200, 403) },
  {
    method: 'POST',
    url: '/api/v1/team/invites',
    path: () => '/api/v1/team/invites',
    body: () => ({ email: `${randomUUID()}@invited.test`, role: 'agent' }),
    expect: byRole(201, 201, 403),
  },
  {
    method: 'PATCH',
    url: '/api/v1/team/agents/:id',
    path: (f) => `/api/v1/team/agents/${f.spareAgentIds.agent}`,
    body: () => ({ role: 'agent' }),
    expect: byRole(200, 404, 403),
  },
  {
    method: 'POST',
    url: '/api/v1/team/agents/:id/deactivate',
    path: (f, who) => `/api/v1/team/agents/${f.spareAgentIds[who]}/deactivate`,
    expect: byRole(200, 404, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/organization',
    path: () => '/api/v1/organization',
    expect: byRole(200, 200),
  },
  {
    method: 'PATCH',
    url: '/api/v1/organization',
    path: () => '/api/v1/organization',
    body: () => ({ timeZone: 'Europe/Paris' }),
    expect: byRole(200, 200, 403),
  },
  {
    // Owners only; turning it off changes nothing here, and only in the caller's organization.
    method: 'PATCH',
    url: '/api/v1/organization',
    path: () => '/api/v1/organization',
    body: () => ({ requireTwoFactor: false }),
    expect: { owner: 200, admin: 403, supervisor: 403, agent: 403, 'other organization': 200 },
  },
  {
    method: 'PATCH',
    url: '/api/v1/me',
    path: () => '/api/v1/me',
    body: () => ({ name: 'Renamed by themselves' }),
    expect: byRole(200, 200),
  },
  {
    // Wrong on purpose: nobody's password changes here, and each caller is told so alike.
    method: 'POST',
    url: '/api/v1/me/password',
    path: () => '/api/v1/me/password',
    body: () => ({ currentPassword: 'not the password', newPassword: 'whatever new password' }),
    expect: byRole(401, 401),
  },
  {
    method: 'POST',
    url: '/api/v1/me/two-factor/setup',
    path: () => '/api/v1/me/two-factor/setup',
    expect: byRole(200, 200),
  },
  {
    // A code that is not the current one: refused for everyone; nobody's sign-in changes.
    method: 'POST',
    url: '/api/v1/me/two-factor/enable',
    path: () => '/api/v1/me/two-factor/enable',
    body: () => ({ code: '000000' }),
    expect: byRole(401, 401),
  },
  {
    // Nobody here has two-factor sign-in on: refused alike, nothing changes.
    method: 'POST',
    url: '/api/v1/me/two-factor/recovery-codes',
    path: () => '/api/v1/me/two-factor/recovery-codes',
    body: () => ({ code: '000000' }),
    expect: byRole(409, 409),
  },
  {
    // Wrong on purpose: nobody's sign-in changes, and each caller is told so alike.
    method: 'POST',
    url: '/api/v1/me/two-factor/disable',
    path: () => '/api/v1/me/two-factor/disable',
    body: () => ({ currentPassword: 'not the password', code: '000000' }),
    expect: byRole(401, 401),
  },
  {
    method: 'GET',
    url: '/api/v1/me/sessions',
    path: () => '/api/v1/me/sessions',
    expect: byRole(200, 200),
  },
  {
    // The owner's second session: only the owner may end it; to everyone else it does not exist.
    method: 'DELETE',
    url: '/api/v1/me/sessions/:id',
    path: (f) => `/api/v1/me/sessions/${f.ownerSpareSessionId}`,
    expect: {
      owner: 204,
      admin: 404,
      supervisor: 404,
      agent: 404,
      'other organization': 404,
    },
  },
  {
    method: 'POST',
    url: '/api/v1/visitors/:id/block',
    path: (f) => `/api/v1/visitors/${f.visitorId}/block`,
    body: () => ({ address: false }),
    expect: byRole(200, 404),
  },
  {
    method: 'DELETE',
    url: '/api/v1/visitors/:id/block',
    path: (f) => `/api/v1/visitors/${f.visitorId}/block`,
    expect: byRole(204, 404),
  },
  {
    method: 'GET',
    url: '/api/v1/visitors/live',
    path: () => '/api/v1/visitors/live',
    expect: byRole(200, 200),
  },
  {
    method: 'GET',
    url: '/api/v1/visitors/:id',
    path: (f) => `/api/v1/visitors/${f.visitorId}`,
    expect: byRole(200, 404),
  },
  {
    method: 'PATCH',
    url: '/api/v1/visitors/:id',
    path: (f) => `/api/v1/visitors/${f.visitorId}`,
    body: () => ({ notes: 'Asked about shipping' }),
    expect: byRole(200, 404),
  },
  {
    // Every agent may invite; the fixture's visitor is not browsing now, so ours get that code.
    method: 'POST',
    url: '/api/v1/visitors/:id/invitations',
    path: (f) => `/api/v1/visitors/${f.visitorId}/invitations`,
    body: () => ({ message: 'Can I help?' }),
    expect: byRole(409, 404),
  },
  {
    method: 'GET',
    url: '/api/v1/sites/:id/invitation-rules',
    path: (f) => `/api/v1/sites/${f.siteId}/invitation-rules`,
    expect: byRole(200, 404, 403),
  },
  {
    method: 'PUT',
    url: '/api/v1/sites/:id/invitation-rules',
    path: (f) => `/api/v1/sites/${f.siteId}/invitation-rules`,
    body: () => ({ rules: [] }),
    expect: byRole(200, 404, 403),
  },
  {
    // No provider is set up here: agents who may see the conversation get that far.
    method: 'POST',
    url: '/api/v1/conversations/:id/translate-preview',
    path: (f) => `/api/v1/conversations/${f.conversationId}/translate-preview`,
    body: () => ({ text: 'Hello' }),
    expect: byRole(409, 404),
  },
  {
    method: 'POST',
    url: '/api/v1/conversations/:id/translations',
    path: (f) => `/api/v1/conversations/${f.conversationId}/translations`,
    body: () => ({ language: 'zh-Hans' }),
    expect: byRole(409, 404),
  },
  {
    method: 'GET',
    url: '/api/v1/organization/translation',
    path: () => '/api/v1/organization/translation',
    expect: byRole(200, 200, 403),
  },
  {
    method: 'PUT',
    url: '/api/v1/organization/translation',
    path: () => '/api/v1/organization/translation',
    body: () => ({ provider: 'none' }),
    expect: byRole(200, 200, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/organization/glossary',
    path: () => '/api/v1/organization/glossary',
    expect: byRole(200, 200),
  },
  {
    method: 'POST',
    url: '/api/v1/organization/glossary',
    path: () => '/api/v1/organization/glossary',
    body: () => ({ term: `Term ${randomUUID()}` }),
    expect: byRole(201, 201, 403),
  },
  {
    method: 'DELETE',
    url: '/api/v1/organization/glossary/:id',
    path: (f, who) => `/api/v1/organization/glossary/${f.spareTermIds[who]}`,
    expect: byRole(204, 404, 403),
  },
  {
    method: 'GET',
    url: '/api/v1/agents/presence',
    path: () => '/api/v1/agents/presence',
    expect: byRole(200, 200),
  },
  {
    // Always the caller's own status; away, as every caller here stays (see beforeAll).
    method: 'PUT',
    url: '/api/v1/presence',
    path: () => '/api/v1/presence',
    body: () => ({ status: 'away' }),
    expect: byRole(200, 200),
  },
];

/**
 * Routes anyone may call, whoever they are: sign-in, sign-out, the widget's new visitor, its
 * identify, beacons and invitation dismissals (the visitor token decides) and the loader's "may I
 * embed here?".
 */
const PUBLIC = [
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/widget/visitors',
  'POST /api/v1/widget/identify',
  'POST /api/v1/widget/track',
  'POST /api/v1/widget/invitations/:id/dismiss',
  'GET /api/v1/widget/config',
  'GET /api/v1/widget/sites/:key/config',
  'POST /api/v1/invites/lookup',
  'POST /api/v1/invites/accept',
  'GET /api/v1/auth/recovery',
  'POST /api/v1/auth/forgot',
  'POST /api/v1/auth/reset',
];

interface SocketCase {
  event: (typeof AGENT_CLIENT_EVENTS)[number];
  payload: (f: Fixture) => unknown;
  expect: Record<Who, Outcome>;
}

const SOCKET: SocketCase[] = [
  {
    event: 'message:send',
    payload: (f) => ({ conversationId: f.conversationId, clientId: randomUUID(), body: 'Hi' }),
    expect: byRole('ok', 'not_found'),
  },
  {
    event: 'conversation:sync',
    payload: (f) => ({ conversationId: f.conversationId, afterSeq: 0 }),
    expect: byRole('ok', 'not_found'),
  },
  { event: 'conversation:list', payload: () => ({ status: 'open' }), expect: byRole('ok', 'ok') },
  {
    event: 'conversation:read',
    payload: (f) => ({ conversationId: f.conversationId, seq: 1 }),
    expect: byRole('ok', 'not_found'),
  },
  {
    event: 'conversation:resolve',
    payload: (f) => ({ conversationId: f.conversationId }),
    expect: byRole('ok', 'not_found'),
  },
  {
    event: 'typing',
    payload: (f) => ({ conversationId: f.conversationId, typing: true }),
    expect: byRole('ok', 'not_found'),
  },
  { event: 'presence:set', payload: () => ({ status: 'away' }), expect: byRole('ok', 'ok') },
  { event: 'presence:activity', payload: () => ({}), expect: byRole('ok', 'ok') },
  {
    event: 'transfer:request',
    payload: (f) => ({ conversationId: f.transferConversationId, toAgentId: f.transferTargetId }),
    expect: byRole('ok', 'not_found'),
  },
  {
    event: 'transfer:accept',
    payload: (f) => ({ transferId: f.socketTransferId }),
    expect: {
      owner: 'forbidden',
      admin: 'forbidden',
      supervisor: 'forbidden',
      agent: 'ok',
      'other organization': 'not_found',
    },
  },
  {
    event: 'conversation:claim',
    payload: (f) => ({ conversationId: f.queuedForSocket.agent }),
    // The first claim takes it; the others find it taken.
    expect: {
      owner: 'ok',
      admin: 'already_assigned',
      supervisor: 'already_assigned',
      agent: 'already_assigned',
      'other organization': 'not_found',
    },
  },
  {
    event: 'conversation:take-over',
    payload: (f) => ({ conversationId: f.toTakeOver.socket }),
    expect: byRole('ok', 'not_found', 'forbidden', 'ok'),
  },
  {
    event: 'conversation:viewing',
    payload: (f) => ({ conversationId: f.conversationId, viewing: true }),
    expect: byRole('ok', 'not_found'),
  },
  {
    event: 'conversation:join',
    payload: (f) => ({ conversationId: f.conversationId }),
    expect: byRole('ok', 'not_found', 'forbidden', 'ok'),
  },
  {
    event: 'message:whisper',
    payload: (f) => ({ conversationId: f.conversationId, clientId: randomUUID(), body: 'Psst' }),
    expect: byRole('ok', 'not_found', 'forbidden', 'ok'),
  },
];

let server: TestServer;
let fixture: Fixture;
const cookies = {} as Record<Who, string>;
const sockets = {} as Record<Who, AgentSocket>;

beforeAll(async () => {
  server = await startServer();
  const db = server.parley.db;
  const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const roleIds = {} as Record<AgentRole, string>;
  for (const role of ['admin', 'supervisor', 'agent'] as AgentRole[]) {
    roleIds[role] = await createAgent(db, org.id, {
      email: `${role}-role@shop.test`,
      password: PASSWORD,
      role,
    });
  }
  const other = { email: 'owner@other.test', password: PASSWORD };
  await createOrganization(db, 'other', other, 'https://other.test');
  const accounts: Record<Who, { email: string; password: string }> = {
    owner: ADMIN,
    admin: { email: 'admin-role@shop.test', password: PASSWORD },
    supervisor: { email: 'supervisor-role@shop.test', password: PASSWORD },
    agent: { email: 'agent-role@shop.test', password: PASSWORD },
    'other organization': other,
  };
  for (const who of EVERYONE) {
    cookies[who] = await login(server, accounts[who]);
    // Away before connecting: routing gives nobody the fixture's conversations, which wait in
    // line to be claimed.
    await fetch(`${server.url}/api/v1/presence`, {
      method: 'PUT',
      headers: { cookie: cookies[who], origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    });
    sockets[who] = await connected(agentSocket(server, cookies[who]));
  }

  const visitor = await createVisitor(server);
  const message = await firstMessage(visitor);
  const forTransfers = await firstMessage(await createVisitor(server));
  const forSocketAccept = await firstMessage(await createVisitor(server));
  const transferToAgentRole = async (conversationId: string) => {
    const { transfer } = await requestOk<{ transfer: { id: string } }>(
      sockets.owner,
      'transfer:request',
      { conversationId, toAgentId: roleIds.agent },
    );
    return transfer.id;
  };
  const site = await db
    .selectFrom('sites')
    .select('id')
    .where('org_id', '=', org.id)
    .executeTakeFirstOrThrow();
  fixture = {
    conversationId: message.conversationId,
    visitorId: visitor.visitorId,
    siteId: site.id,
    spareSiteIds: await spareSites(org.id),
    spareAgentIds: await spareAgents(org.id),
    ownerSpareSessionId: await spareSession(),
    transferConversationId: forTransfers.conversationId,
    transferTargetId: await createAgent(db, org.id, {
      email: 'transfer-target@shop.test',
      password: PASSWORD,
      role: 'agent',
    }),
    restTransferId: await transferToAgentRole(message.conversationId),
    socketTransferId: await transferToAgentRole(forSocketAccept.conversationId),
    queuedForRest: await queuedConversations(),
    queuedForSocket: await queuedConversations(),
    toTakeOver: {
      rest: (await firstMessage(await createVisitor(server))).conversationId,
      socket: (await firstMessage(await createVisitor(server))).conversationId,
    },
    ...(await departments(org.id)),
    spareTermIds: await spareTerms(org.id),
  };
});

async function spareTerms(orgId: string): Promise<Record<Who, string>> {
  const ids: string[] = [];
  for (const name of ['owner', 'admin', 'supervisor', 'agent']) {
    const id = randomUUID();
    await server.parley.db
      .insertInto('glossary_terms')
      .values({
        id,
        org_id: orgId,
        term: `spare ${name}`,
        translation: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    ids.push(id);
  }
  const [owner, admin, supervisor, agent] = ids as [string, string, string, string];
  return { owner, admin, supervisor, agent, 'other organization': agent };
}

/** A visitor's first message, which opens a conversation (waiting in line: nobody is online). */
async function firstMessage(visitor: { token: string; visitorId: string }): Promise<Message> {
  const widget = await connectVisitor(server, visitor);
  const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
    clientId: randomUUID(),
    body: 'Hello',
  });
  widget.close();
  return message;
}

async function departments(orgId: string) {
  const memberAgentId = await createAgent(server.parley.db, orgId, {
    email: 'member@shop.test',
    password: PASSWORD,
    role: 'agent',
  });
  const add = async (name: string, withMember: boolean) => {
    const res = await fetch(`${server.url}/api/v1/departments`, {
      method: 'POST',
      headers: { cookie: cookies.owner, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    const { department } = (await res.json()) as { department: { id: string } };
    if (withMember) {
      await fetch(`${server.url}/api/v1/departments/${department.id}/members/${memberAgentId}`, {
        method: 'PUT',
        headers: { cookie: cookies.owner, origin: server.url },
      });
    }
    return department.id;
  };
  const departmentId = await add('Fixture department', false);
  const [owner, admin, supervisor, agent] = [
    await add('spare owner', true),
    await add('spare admin', true),
    await add('spare supervisor', true),
    await add('spare agent', true),
  ];
  return {
    departmentId,
    memberAgentId,
    spareDepartmentIds: { owner, admin, supervisor, agent, 'other organization': agent },
  };
}

async function queuedConversations(): Promise<Record<Who, string>> {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++)
    ids.push((await firstMessage(await createVisitor(server))).conversationId);
  const [owner, admin, supervisor, agent] = ids as [string, string, string, string];
  return { owner, admin, supervisor, agent, 'other organization': agent };
}

async function spareSession(): Promise<string> {
  await login(server, ADMIN);
  const res = await fetch(`${server.url}/api/v1/me/sessions`, {
    headers: { cookie: cookies.owner },
  });
  const { sessions } = (await res.json()) as { sessions: { id: string; current: boolean }[] };
  return sessions.find((s) => !s.current)!.id;
}

async function spareAgents(orgId: string): Promise<Record<Who, string>> {
  const ids: string[] = [];
  for (const name of ['owner', 'admin', 'supervisor', 'agent']) {
    ids.push(
      await createAgent(server.parley.db, orgId, {
        email: `spare-${name}@shop.test`,
        password: PASSWORD,
        role: 'agent',
      }),
    );
  }
  const [owner, admin, supervisor, agent] = ids as [string, string, string, string];
  return { owner, admin, supervisor, agent, 'other organization': agent };
}

async function spareSites(orgId: string): Promise<Record<Who, string>> {
  const ids: string[] = [];
  for (const name of ['owner', 'admin', 'supervisor', 'agent']) {
    const id = randomUUID();
    await server.parley.db
      .insertInto('sites')
      .values({
        id,
        org_id: orgId,
        name: `spare ${name}`,
        widget_key: `spare-${id}`,
        allowed_origins: '[]',
        created_at: new Date().toISOString(),
      })
      .execute();
    ids.push(id);
  }
  const [owner, admin, supervisor, agent] = ids as [string, string, string, string];
  return { owner, admin, supervisor, agent, 'other organization': agent };
}

afterAll(async () => {
  for (const socket of Object.values(sockets)) socket.close();
  await server.close();
});

async function restOutcome(who: Who, rest: RestCase): Promise<{ status: number; body: string }> {
  const body = rest.body?.(fixture);
  const res = await fetch(`${server.url}${rest.path(fixture, who)}`, {
    method: rest.method,
    headers: {
      cookie: cookies[who],
      origin: server.url,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

describe('every REST route', () => {
  it('is in the table, unless anyone may call it', () => {
    const listed = new Set([...REST.map((r) => `${r.method} ${r.url}`), ...PUBLIC]);
    const routes = server.parley.http.apiRoutes.map((r) => `${r.method} ${r.url}`);
    expect(routes.filter((route) => !listed.has(route))).toEqual([]);
  });

  for (const rest of REST) {
    it(`${rest.method} ${rest.url}`, async () => {
      for (const who of EVERYONE) {
        const { status, body } = await restOutcome(who, rest);
        expect(status, who).toBe(rest.expect[who]);
        // Another organization never reads our conversation, not even in its own lists.
        if (who === 'other organization') expect(body).not.toContain(fixture.conversationId);
      }
    });
  }
});

describe('every agent socket event', () => {
  it('is in the table', () => {
    expect(SOCKET.map((c) => c.event).sort()).toEqual([...AGENT_CLIENT_EVENTS].sort());
  });

  for (const event of SOCKET) {
    it(event.event, async () => {
      for (const who of EVERYONE) {
        const ack = await request<unknown>(sockets[who], event.event, event.payload(fixture));
        expect(ack.ok ? 'ok' : ack.error.code, who).toBe(event.expect[who]);
        if (who === 'other organization')
          expect(JSON.stringify(ack)).not.toContain(fixture.conversationId);
      }
    });
  }
});

describe('what the refused did', () => {
  it('changed nothing: no message of theirs, and the site limit is the last allowed one', async () => {
    const db = server.parley.db;
    const authors = await db
      .selectFrom('messages')
      .innerJoin('agents', 'agents.id', 'messages.author_id')
      .select('agents.email')
      .distinct()
      .execute();
    expect(authors.map((a) => a.email).sort()).toEqual(
      [
        'admin-role@shop.test',
        'supervisor-role@shop.test',
        'agent-role@shop.test',
        ADMIN.email,
      ].sort(),
    );
    const site = await db
      .selectFrom('sites')
      .select('visitor_messages_per_minute')
      .where('id', '=', fixture.siteId)
      .executeTakeFirstOrThrow();
    expect(site.visitor_messages_per_minute).toBe(42);
  });
});
