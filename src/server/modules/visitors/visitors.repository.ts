import { randomUUID } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database';
import type { VisitorsTable } from '../../db/schema';

export type VisitorRow = Selectable<VisitorsTable>;

export class VisitorsRepository {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): VisitorsRepository {
    return new VisitorsRepository(trx);
  }

  async insert(row: Insertable<VisitorsTable>): Promise<void> {
    await this.db.insertInto('visitors').values(row).execute();
  }

  /**
   * The visitor a token stands for: its own first token, or one a verified identify gave another
   * device (`visitor_tokens`), on this site only.
   */
  async findByToken(siteId: string, tokenHash: string): Promise<VisitorRow | undefined> {
    const own = await this.db
      .selectFrom('visitors')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (own) return own;
    return this.db
      .selectFrom('visitor_tokens')
      .innerJoin('visitors', 'visitors.id', 'visitor_tokens.visitor_id')
      .selectAll('visitors')
      .where('visitor_tokens.token_hash', '=', tokenHash)
      .where('visitors.site_id', '=', siteId)
      .executeTakeFirst();
  }

  findForOrg(orgId: string, id: string): Promise<VisitorRow | undefined> {
    return this.db
      .selectFrom('visitors')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The visitor came back: when, and from where. */
  /** The browser's language, for the visitor's next conversations. */
  async setLanguage(id: string, language: string): Promise<void> {
    await this.db.updateTable('visitors').set({ language }).where('id', '=', id).execute();
  }

  async touch(id: string, at: string, address: string): Promise<void> {
    await this.db
      .updateTable('visitors')
      .set({ last_seen_at: at, last_address: address })
      .where('id', '=', id)
      .execute();
  }

  async isAddressBlocked(orgId: string, address: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('blocked_addresses')
      .select('id')
      .where('org_id', '=', orgId)
      .where('address', '=', address)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Blocks the visitor and, when given, the address (once: blocking it again changes nothing). */
  async block(visitor: VisitorRow, by: string, at: string, address: string | null): Promise<void> {
    await this.db
      .updateTable('visitors')
      .set({ blocked_at: at, blocked_by: by })
      .where('id', '=', visitor.id)
      .execute();
    if (address === null || (await this.isAddressBlocked(visitor.org_id, address))) return;
    await this.db
      .insertInto('blocked_addresses')
      .values({
        id: randomUUID(),
        org_id: visitor.org_id,
        address,
        visitor_id: visitor.id,
        created_by: by,
        created_at: at,
      })
      .execute();
  }

  /** Lifts the visitor's block and the address blocks it caused. */
  async unblock(visitor: VisitorRow): Promise<void> {
    await this.db
      .updateTable('visitors')
      .set({ blocked_at: null, blocked_by: null })
      .where('id', '=', visitor.id)
      .execute();
    await this.db
      .deleteFrom('blocked_addresses')
      .where('org_id', '=', visitor.org_id)
      .where('visitor_id', '=', visitor.id)
      .execute();
  }
}
