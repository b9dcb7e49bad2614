import type { Insertable } from 'kysely';
import type { Db } from '../../db/database';
import type { AgentsTable } from '../../db/schema';
import type { Agent, AgentRole } from '../../../protocol/schemas';

export type AgentRow = AgentsTable;

/**
 * Where routing starts a new agent: offline until their console connects, five chats at most;
 * their console in their browser's language.
 */
export const NEW_AGENT_ROUTING = {
  presence: 'offline',
  chosen_status: 'online',
  max_chats: 5,
  languages: null,
  active_at: null,
  locale: null,
} as const satisfies Partial<AgentsTable>;

/** A new agent's row; routing's columns start at NEW_AGENT_ROUTING. */
export type NewAgent = Omit<Insertable<AgentsTable>, keyof typeof NEW_AGENT_ROUTING>;

/** The languages an agent speaks, from the stored JSON; none when unreadable. */
export function spokenLanguagesOf(row: Pick<AgentRow, 'languages'>): string[] {
  if (row.languages === null) return [];
  try {
    const parsed: unknown = JSON.parse(row.languages);
    return Array.isArray(parsed) ? parsed.filter((tag) => typeof tag === 'string') : [];
  } catch {
    return [];
  }
}

export function toAgent(row: AgentRow): Agent {
  return { id: row.id, orgId: row.org_id, email: row.email, name: row.name, role: row.role };
}

export class AgentsRepository {
  constructor(private readonly db: Db) {}

  findByEmail(email: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirst();
  }

  findForOrg(orgId: string, id: string): Promise<AgentRow | undefined> {
    return this.db
      .selectFrom('agents')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The agent's console language (null: the browser's) and the languages they speak. */
  async languagesOf(
    orgId: string,
    id: string,
  ): Promise<{ locale: string | null; languages: string[] }> {
    const row = await this.findForOrg(orgId, id);
    return { locale: row?.locale ?? null, languages: row ? spokenLanguagesOf(row) : [] };
  }

  /** The organization's agents, deactivated ones included, oldest first. */
  listForOrg(orgId: string): Promise<AgentRow[]> {
    return this.db
      .selectFrom('agents')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /**
   * The organization's active owners. Inside a transaction on PostgreSQL and MySQL the rows are
   * locked, so two demotions racing cannot each see the other's owner and leave none.
   */
  async activeOwnerIds(orgId: string, lock: boolean): Promise<string[]> {
    let query = this.db
      .selectFrom('agents')
      .select('id')
      .where('org_id', '=', orgId)
      .where('role', '=', 'owner')
      .where('deactivated_at', 'is', null);
    if (lock) query = query.forUpdate();
    return (await query.execute()).map((r) => r.id);
  }

  async insert(row: NewAgent): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({ ...NEW_AGENT_ROUTING, ...row })
      .execute();
  }

  async setRouting(
    orgId: string,
    id: string,
    routing: Pick<AgentRow, 'max_chats' | 'languages'>,
  ): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ max_chats: routing.max_chats, languages: routing.languages })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .execute();
  }

  async setProfile(
    id: string,
    changes: { name?: string; email?: string; locale?: string | null; languages?: string | null },
  ): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    await this.db.updateTable('agents').set(changes).where('id', '=', id).execute();
  }

  async setRole(orgId: string, id: string, role: AgentRole): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ role })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async deactivate(orgId: string, id: string, at: string): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ deactivated_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }
}
