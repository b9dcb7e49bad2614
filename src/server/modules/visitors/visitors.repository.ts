import type { Db } from '../../db/database';
import type { VisitorsTable } from '../../db/schema';

export type VisitorRow = VisitorsTable;

export class VisitorsRepository {
  constructor(private readonly db: Db) {}

  async insert(row: VisitorRow): Promise<void> {
    await this.db.insertInto('visitors').values(row).execute();
  }

  findByToken(siteId: string, tokenHash: string): Promise<VisitorRow | undefined> {
    return this.db
      .selectFrom('visitors')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
  }
}
