import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database';
import { hasRowLocks } from '../../db/dialect';
import { inTransaction } from '../../db/transaction';
import type { RefusedOrigin } from '../../../protocol/embedding';

/** A site keeps this many refused origins, the most recent; older ones make room. */
export const MAX_REFUSED_ORIGINS_PER_SITE = 20;

export class RefusedOriginsRepository {
  constructor(private readonly db: Db) {}

  /** Counts one refusal of `origin` on a site, then trims the site's list to its newest rows. */
  async record(orgId: string, siteId: string, origin: string, at: string): Promise<void> {
    await inTransaction(
      this.db,
      async (trx) => {
        const existing = await trx
          .selectFrom('refused_origins')
          .select(['id', 'refusals'])
          .where('site_id', '=', siteId)
          .where('origin', '=', origin)
          .executeTakeFirst();
        if (existing) {
          await trx
            .updateTable('refused_origins')
            .set({ last_refused_at: at, refusals: existing.refusals + 1 })
            .where('id', '=', existing.id)
            .execute();
        } else {
          await trx
            .insertInto('refused_origins')
            .values({
              id: randomUUID(),
              org_id: orgId,
              site_id: siteId,
              origin,
              first_refused_at: at,
              last_refused_at: at,
              refusals: 1,
            })
            .execute();
        }
        // MySQL refuses a LIMIT inside IN (…) on the table being changed: two statements.
        const beyond = await trx
          .selectFrom('refused_origins')
          .select('id')
          .where('site_id', '=', siteId)
          .orderBy('last_refused_at', 'desc')
          .orderBy('id')
          .limit(1000)
          .offset(MAX_REFUSED_ORIGINS_PER_SITE)
          .execute();
        if (beyond.length > 0) {
          await trx
            .deleteFrom('refused_origins')
            .where(
              'id',
              'in',
              beyond.map((row) => row.id),
            )
            .execute();
        }
      },
      { retryOnDuplicate: true },
    );
  }

  async list(orgId: string, siteId: string): Promise<RefusedOrigin[]> {
    const rows = await this.db
      .selectFrom('refused_origins')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('site_id', '=', siteId)
      .orderBy('last_refused_at', 'desc')
      .orderBy('origin')
      .execute();
    return rows.map((row) => ({
      origin: row.origin,
      firstRefusedAt: row.first_refused_at,
      lastRefusedAt: row.last_refused_at,
      refusals: row.refusals,
    }));
  }

  /**
   * Adds one origin to the site's allowlist and forgets its refusals; the new list, or undefined
   * when the organization has no such site. The row is locked so that two owners allowing two
   * origins at once both land.
   */
  async allow(orgId: string, siteId: string, origin: string): Promise<string[] | undefined> {
    return inTransaction(this.db, async (trx) => {
      const site = await trx
        .selectFrom('sites')
        .select('allowed_origins')
        .where('org_id', '=', orgId)
        .where('id', '=', siteId)
        .$if(hasRowLocks(this.db), (q) => q.forUpdate())
        .executeTakeFirst();
      if (!site) return undefined;
      const origins = JSON.parse(site.allowed_origins) as string[];
      if (!origins.includes(origin)) {
        origins.push(origin);
        await trx
          .updateTable('sites')
          .set({ allowed_origins: JSON.stringify(origins) })
          .where('id', '=', siteId)
          .execute();
      }
      await trx
        .deleteFrom('refused_origins')
        .where('site_id', '=', siteId)
        .where('origin', '=', origin)
        .execute();
      return origins;
    });
  }
}
