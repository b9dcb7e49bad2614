import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database';
import type { VisitorsTable, VisitsTable } from '../../db/schema';
import type { LiveVisitor } from '../../../protocol/visitor-schemas';

export type VisitRow = Selectable<VisitsTable>;

/** Visits, their pages and custom events; and the live view's rows, built in one place. */
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

  /**
   * The live view's row of one visitor of the organization: the visitor, its current visit and
   * its open conversation with the assignee's name. Null when it has no visit going on.
   */
  async liveVisitor(orgId: string, visitorId: string): Promise<LiveVisitor | null> {
    const [row] = await this.liveRows(orgId).where('v.id', '=', visitorId).execute();
    return row ? toLiveVisitor(row) : null;
  }

  /** Everyone of the organization with a visit going on, most recently seen first. */
  async liveVisitors(orgId: string, limit = 500): Promise<LiveVisitor[]> {
    const rows = await this.liveRows(orgId)
      .orderBy('visit.last_seen_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toLiveVisitor);
  }

  private liveRows(orgId: string) {
    return this.db
      .selectFrom('visitors as v')
      .innerJoin('visits as visit', 'visit.id', 'v.current_visit_id')
      .leftJoin('conversations as c', (join) =>
        join
          .onRef('c.visitor_id', '=', 'v.id')
          .on('c.org_id', '=', orgId)
          .on('c.status', '!=', 'resolved'),
      )
      .leftJoin('agents as a', 'a.id', 'c.assignee_id')
      .where('v.org_id', '=', orgId)
      .where('visit.ended_at', 'is', null)
      .select([
        'v.id as visitorId',
        'v.site_id as siteId',
        'v.name',
        'v.email',
        'v.external_id as externalId',
        'v.visit_count as visitCount',
        'v.country',
        'v.city',
        'v.browser',
        'v.os',
        'v.device',
        'visit.current_url as currentUrl',
        'visit.current_title as currentTitle',
        'visit.referrer',
        'visit.started_at as visitStartedAt',
        'visit.last_seen_at as lastSeenAt',
        'visit.page_count as pagesThisVisit',
        'c.id as conversationId',
        'a.name as assigneeName',
      ]);
  }
}

interface LiveRow {
  visitorId: string;
  siteId: string;
  name: string | null;
  email: string | null;
  externalId: string | null;
  visitCount: number;
  country: string | null;
  city: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  currentUrl: string | null;
  currentTitle: string | null;
  referrer: string | null;
  visitStartedAt: string;
  lastSeenAt: string;
  pagesThisVisit: number;
  conversationId: string | null;
  assigneeName: string | null;
}

function toLiveVisitor(row: LiveRow): LiveVisitor {
  const device = row.device;
  return {
    visitorId: row.visitorId,
    siteId: row.siteId,
    name: row.name,
    email: row.email,
    verified: row.externalId !== null,
    currentUrl: row.currentUrl,
    currentTitle: row.currentTitle,
    referrer: row.referrer,
    visitStartedAt: row.visitStartedAt,
    lastSeenAt: row.lastSeenAt,
    pagesThisVisit: Number(row.pagesThisVisit),
    visitCount: Number(row.visitCount),
    country: row.country,
    city: row.city,
    device: {
      browser: row.browser,
      os: row.os,
      device: device === 'desktop' || device === 'mobile' || device === 'tablet' ? device : null,
    },
    conversationId: row.conversationId,
    assigneeName: row.assigneeName,
  };
}
