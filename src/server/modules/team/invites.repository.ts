import type { Db } from '../../db/database';
import type { InvitesTable } from '../../db/schema';

export class InvitesRepository {
  constructor(private readonly db: Db) {}

  async insert(row: InvitesTable): Promise<void> {
    await this.db.insertInto('invites').values(row).execute();
  }

  findByTokenHash(tokenHash: string): Promise<InvitesTable | undefined> {
    return this.db
      .selectFrom('invites')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /** Invitations not used yet and not expired at `at`, newest first. */
  pendingForOrg(orgId: string, at: string): Promise<InvitesTable[]> {
    return this.db
      .selectFrom('invites')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
  }

  /**
   * Marks an invitation used; true only for the one caller that did. Two racing requests with the
   * same link both pass the first check, but only one of them changes the row.
   */
  async markUsed(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('invites')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
