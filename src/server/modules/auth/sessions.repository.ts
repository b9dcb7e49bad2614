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
  ): Promise<
    (AgentRow & { session_expires_at: string; two_factor_required_at: string | null }) | undefined
  > {
    return (
      this.db
        .selectFrom('sessions')
        .innerJoin('agents', 'agents.id', 'sessions.agent_id')
        .innerJoin('organizations', 'organizations.id', 'agents.org_id')
        .selectAll('agents')
        .select([
          'sessions.expires_at as session_expires_at',
          'organizations.two_factor_required_at',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.expires_at', '>', at)
        // Deactivation deletes the sessions too; this also covers a race with a sign-in.
        .where('agents.deactivated_at', 'is', null)
        .executeTakeFirst()
    );
  }

  /** Which of these sessions exist and are unexpired at `at`. */
  async findLive(tokenHashes: string[], at: string): Promise<string[]> {
    if (tokenHashes.length === 0) return [];
    const rows = await this.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('token_hash', 'in', tokenHashes)
      .where('expires_at', '>', at)
      .execute();
    return rows.map((r) => r.token_hash);
  }

  /** An agent's sessions beyond its `keep` newest ones. */
  async hashesBeyondNewest(agentId: string, keep: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('agent_id', '=', agentId)
      .orderBy('created_at', 'desc')
      .orderBy('token_hash', 'desc')
      .offset(keep)
      .limit(1000)
      .execute();
    return rows.map((r) => r.token_hash);
  }

  /** Ends every session of an agent; returns how many there were. */
  async deleteForAgent(agentId: string): Promise<number> {
    const [result] = await this.db.deleteFrom('sessions').where('agent_id', '=', agentId).execute();
    return Number(result?.numDeletedRows ?? 0);
  }

  /** An agent's unexpired sessions, newest first. */
  listForAgent(agentId: string, at: string): Promise<SessionsTable[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('agent_id', '=', agentId)
      .where('expires_at', '>', at)
      .orderBy('created_at', 'desc')
      .execute();
  }

  async delete(tokenHashes: string[]): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', 'in', tokenHashes).execute();
  }
}
