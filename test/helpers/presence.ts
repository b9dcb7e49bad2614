/**
 * Agent presence for tests, set straight in the database. Presence is kept by the presence
 * service (issue 10); tests of what reads it (offline state, routing) set the column themselves.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/server/db/database';
import type { PresenceStatus } from '../../src/protocol/routing-schemas';
import { now } from '../../src/server/tokens';

export async function setPresence(
  db: Db,
  agentId: string,
  presence: PresenceStatus,
): Promise<void> {
  await db.updateTable('agents').set({ presence }).where('id', '=', agentId).execute();
}

/** The seeded first admin: the one agent of the seeded organization. */
export async function firstAgent(db: Db): Promise<{ id: string; orgId: string }> {
  const agent = await db
    .selectFrom('agents')
    .select(['id', 'org_id as orgId'])
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  return agent;
}

/** A department of `orgId` with `agentIds` as members, made the default of every site of the org. */
export async function departmentForSites(
  db: Db,
  orgId: string,
  agentIds: string[],
): Promise<string> {
  const id = randomUUID();
  const at = now();
  await db
    .insertInto('departments')
    .values({
      id,
      org_id: orgId,
      name: 'Sales',
      strategy: 'round_robin',
      last_assigned_agent_id: null,
      created_at: at,
      deleted_at: null,
    })
    .execute();
  for (const agentId of agentIds) {
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
  await db
    .updateTable('sites')
    .set({ default_department_id: id })
    .where('org_id', '=', orgId)
    .execute();
  return id;
}
