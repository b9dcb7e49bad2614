import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database';
import type { VisitorsTable, VisitsTable } from '../../db/schema';

export type VisitRow = Selectable<VisitsTable>;

/** Visits, their pages and custom events. */
export class TrackingRepository {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): TrackingRepository {
    return new TrackingRepository(trx);
  }

  async currentVisitId(visitorId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('visitors')
      .select('current_visit_id')
      .where('id', '=', visitorId)
      .executeTakeFirst();
    return row?.current_visit_id ?? null;
  }

  async visitCount(visitorId: string): Promise<number> {
    const row = await this.db
      .selectFrom('visitors')
      .select('visit_count')
      .where('id', '=', visitorId)
      .executeTakeFirst();
    return Number(row?.visit_count ?? 0);
  }

  findVisit(visitorId: string, visitId: string): Promise<VisitRow | undefined> {
    return this.db
      .selectFrom('visits')
      .selectAll()
      .where('id', '=', visitId)
      .where('visitor_id', '=', visitorId)
      .executeTakeFirst();
  }

  /** A new visit, and the visitor's profile as this visit's request shows it. */
  async startVisit(
    visit: Insertable<VisitsTable>,
    profile: Updateable<VisitorsTable>,
  ): Promise<void> {
    await this.db.insertInto('visits').values(visit).execute();
    await this.db
      .updateTable('visitors')
      .set({
        ...profile,
        current_visit_id: visit.id,
        visit_count: sql<number>`visit_count + 1`,
      })
      .where('id', '=', visit.visitor_id)
      .execute();
  }

  async updateVisit(id: string, changes: Updateable<VisitsTable>): Promise<void> {
    await this.db.updateTable('visits').set(changes).where('id', '=', id).execute();
  }

  async countDropped(id: string, dropped: number): Promise<void> {
    await this.db
      .updateTable('visits')
      .set({ events_dropped: sql<number>`events_dropped + ${dropped}` })
      .where('id', '=', id)
      .execute();
  }

  async addPageView(row: {
    orgId: string;
    visitId: string;
    visitorId: string;
    url: string;
    title: string;
    referrer: string;
    spa: boolean;
    at: string;
  }): Promise<void> {
    await this.db
      .insertInto('page_views')
      .values({
        id: randomUUID(),
        org_id: row.orgId,
        visit_id: row.visitId,
        visitor_id: row.visitorId,
        url: row.url,
        title: row.title,
        referrer: row.referrer || null,
        spa: row.spa ? 1 : 0,
        viewed_at: row.at,
        seconds: 0,
      })
      .execute();
  }

  /** Time on the visit's latest view of `url`; it only grows (beacons may arrive out of order). */
  async setSeconds(visitId: string, url: string, seconds: number): Promise<void> {
    const latest = await this.db
      .selectFrom('page_views')
      .select(['id', 'seconds'])
      .where('visit_id', '=', visitId)
      .where('url', '=', url)
      .orderBy('viewed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest || latest.seconds >= seconds) return;
    await this.db.updateTable('page_views').set({ seconds }).where('id', '=', latest.id).execute();
  }

  async addEvent(row: {
    orgId: string;
    visitId: string;
    visitorId: string;
    name: string;
    data: string | null;
    at: string;
  }): Promise<void> {
    await this.db
      .insertInto('visitor_events')
      .values({
        id: randomUUID(),
        org_id: row.orgId,
        visit_id: row.visitId,
        visitor_id: row.visitorId,
        name: row.name,
        data: row.data,
        at: row.at,
      })
      .execute();
  }

  /** Visits not seen since `before`, at most `limit` of them, oldest first. */
  staleVisits(
    before: string,
    limit: number,
  ): Promise<{ id: string; org_id: string; visitor_id: string }[]> {
    return this.db
      .selectFrom('visits')
      .select(['id', 'org_id', 'visitor_id'])
      .where('ended_at', 'is', null)
      .where('last_seen_at', '<', before)
      .orderBy('last_seen_at')
      .limit(limit)
      .execute();
  }

  /** Ends a visit unless a beacon came since `before`; true when this call ended it. */
  async endVisit(id: string, before: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('visits')
      .set({ ended_at: at })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .where('last_seen_at', '<', before)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
