/**
 * Routing fixtures: departments, agents' capacity and languages, and their presence. Presence is
 * another module's job (the presence service keeps `agents.presence` and emits `agent.presence`);
 * here tests set it directly and emit the same event, as that service does.
 */
import { randomUUID } from 'node:crypto';
import type { Parley } from '../../src/server/app';
import type { PresenceStatus, RoutingStrategy } from '../../src/protocol/routing-schemas';
import type { AgentRole } from '../../src/protocol/schemas';
import { createAgent } from './factories';

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
