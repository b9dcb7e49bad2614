import type { Db } from '../../db/database';
import type { AgentsTable } from '../../db/schema';
import type { Agent } from '../../../protocol/schemas';

export type AgentRow = AgentsTable;

export function toAgent(row: AgentRow): Agent {
  return { id: row.id, orgId: row.org_id, email: row.email, name: row.name, role: row.role };
}

export class AgentsRepository {
  constructor(private readonly db: Db) {}

  findByEmail(email: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirst();
  }

  async insert(row: AgentRow): Promise<void> {
    await this.db.insertInto('agents').values(row).execute();
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .execute();
  }
}
