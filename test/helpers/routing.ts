/**
 * Routing fixtures: departments, agents' capacity and languages, and their presence. Presence is
 * another module's job (the presence service keeps `agents.presence` and emits `agent.presence`);
 * here tests set it directly and emit the same event, as that service does.
 */
import { randomUUID } from 'node:crypto';
import type { Parley } from '../../src/server/app';
import type { PresenceStatus, RoutingStrategy } from '../../src/protocol/routing-schemas';
import type { AgentRole } from '../../src/protocol/schemas';
import { connected, visitorSocket, type VisitorSocket } from './clients';
import { createAgent, createOrganization } from './factories';
import type { TestServer } from './server';

export const AGENT_PASSWORD = 'a long enough password';

/** Sets an agent's presence as the presence service would, and tells routing. */
export async function setPresence(
  parley: Parley,
  agentId: string,
  presence: PresenceStatus,
): Promise<void> {
  const { org_id: orgId } = await parley.db
    .selectFrom('agents')
    .select('org_id')
    .where('id', '=', agentId)
    .executeTakeFirstOrThrow();
  await parley.db.updateTable('agents').set({ presence }).where('id', '=', agentId).execute();
  parley.events.emit('agent.presence', { orgId, agentId, presence });
}

/** The organization the first start made (the seeded admin's). */
export async function seededOrgId(parley: Parley): Promise<string> {
  const org = await parley.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  return org.id;
}

/** A new agent of the organization, offline, with capacity and languages. */
export async function routingAgent(
  parley: Parley,
  orgId: string,
  name: string,
  options: { maxChats?: number; languages?: string[]; role?: AgentRole } = {},
): Promise<string> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@shop.test`;
  const id = await createAgent(parley.db, orgId, {
    email,
    password: AGENT_PASSWORD,
    role: options.role ?? 'agent',
  });
  await parley.db
    .updateTable('agents')
    .set({
      name,
      max_chats: options.maxChats ?? 5,
      languages: options.languages ? JSON.stringify(options.languages) : null,
    })
    .where('id', '=', id)
    .execute();
  return id;
}

/** A department with these members; new conversations of the seeded site go to it when `siteDefault`. */
export async function createDepartment(
  parley: Parley,
  orgId: string,
  options: { strategy: RoutingStrategy; members: string[]; siteDefault?: boolean },
): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await parley.db
    .insertInto('departments')
    .values({
      id,
      org_id: orgId,
      name: `Dept ${id.slice(0, 4)}`,
      strategy: options.strategy,
      created_at: at,
    })
    .execute();
  for (const agentId of options.members) {
    await parley.db
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
  if (options.siteDefault) {
    await parley.db
      .updateTable('sites')
      .set({ default_department_id: id })
      .where('org_id', '=', orgId)
      .execute();
  }
  return id;
}

/** An organization of a test's own with one site; its owner stays offline. */
export interface Team {
  orgId: string;
  origin: string;
  endpoint: { url: string; widgetKey: string };
  ownerEmail: string;
}

/** A new organization with its own site, so agents online in one do not route another's chats. */
export async function createTeam(server: TestServer): Promise<Team> {
  const name = `t${randomUUID().slice(0, 8)}`;
  const origin = `https://${name}.test`;
  const ownerEmail = `owner@${name}.test`;
  const { orgId, widgetKey } = await createOrganization(
    server.parley.db,
    name,
    { email: ownerEmail, password: AGENT_PASSWORD },
    origin,
  );
  return { orgId, origin, endpoint: { url: server.url, widgetKey }, ownerEmail };
}

let visitorsMade = 0;

/**
 * A new visitor of the team's site, connected, whose browser says `language`. Each comes from an
 * address of its own (the server must trust one proxy), as many visitors do.
 */
export async function teamVisitor(
  server: TestServer,
  team: Team,
  language?: string,
): Promise<VisitorSocket> {
  visitorsMade += 1;
  const res = await fetch(`${server.url}/api/v1/widget/visitors`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: team.origin,
      'x-forwarded-for': `10.9.${(visitorsMade >> 8) & 255}.${visitorsMade & 255}`,
    },
    body: JSON.stringify({ siteKey: team.endpoint.widgetKey, ...(language ? { language } : {}) }),
  });
  const { token } = (await res.json()) as { token: string };
  return connected(visitorSocket(team.endpoint, { token }, team.origin));
}

export async function assigneeOf(parley: Parley, conversationId: string): Promise<string | null> {
  const row = await parley.db
    .selectFrom('conversations')
    .select('assignee_id')
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return row.assignee_id;
}
