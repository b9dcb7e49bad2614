import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/server/db/database';
import { NEW_AGENT_ROUTING } from '../../src/server/modules/auth/agents.repository';
import { hashPassword } from '../../src/server/modules/auth/password';
import { now } from '../../src/server/tokens';
import type { AgentRole } from '../../src/protocol/schemas';

/** Another organization with its own site and agent, for tests that try to cross between them. */
export async function createOrganization(
  db: Db,
  name: string,
  agent: { email: string; password: string },
  allowedOrigin: string,
): Promise<{ orgId: string; widgetKey: string }> {
  const at = now();
  const orgId = randomUUID();
  const widgetKey = `key-${name}-${randomUUID().slice(0, 8)}`;
  await db.insertInto('organizations').values({ id: orgId, name, created_at: at }).execute();
  await db
    .insertInto('sites')
    .values({
      id: randomUUID(),
      org_id: orgId,
      name,
      widget_key: widgetKey,
      allowed_origins: JSON.stringify([allowedOrigin]),
      created_at: at,
    })
    .execute();
  await db
    .insertInto('agents')
    .values({
      id: randomUUID(),
      org_id: orgId,
      email: agent.email,
      name: `${name} agent`,
      password_hash: await hashPassword(agent.password),
      role: 'owner',
      created_at: at,
      ...NEW_AGENT_ROUTING,
    })
    .execute();
  return { orgId, widgetKey };
}

/** One more agent of an organization, with a role, who can sign in with `password`. */
export async function createAgent(
  db: Db,
  orgId: string,
  agent: { email: string; password: string; role: AgentRole },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('agents')
    .values({
      id,
      org_id: orgId,
      email: agent.email,
      name: `${agent.role} ${agent.email}`,
      password_hash: await hashPassword(agent.password),
      role: agent.role,
      created_at: now(),
      ...NEW_AGENT_ROUTING,
    })
    .execute();
  return id;
}
