import type { Db } from '../../db/database';
import type { SessionsTable } from '../../db/schema';
import type { AgentRow } from './agents.repository';

export class SessionsRepository {
  constructor(private readonly db: Db) {}

  async insert(row: SessionsTable): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  /** The agent behind an unexpired session, or undefined. */
  findAgent(
    tokenHash: string,
    at: string,
  ): Promise<(AgentRow & { session_expires_at: string }) | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('agents', 'agents.id', 'sessions.agent_id')
      .selectAll('agents')
      .select('sessions.expires_at as session_expires_at')
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', at)
      .executeTakeFirst();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }
}
