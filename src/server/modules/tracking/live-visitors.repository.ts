import type { Db } from '../../db/database';
import type { DeviceInfo, LiveVisitor } from '../../../protocol/visitor-schemas';

/** One visitor as the live view shows it, and what the profile adds about its visit. */
export interface VisitorNow {
  live: LiveVisitor;
  /** Its current (or last) visit; null for a visitor never tracked (a chat without the tracker). */
  visitId: string | null;
  /** Its visit is not over and was seen since the cutoff asked about. */
  onSite: boolean;
  firstSeenAt: string;
}

const DEVICES = new Set<string>(['desktop', 'mobile', 'tablet']);

/**
 * The live view's rows, built in this one place for the tracker's live events, the live list and
 * the visitor profile: the visitor, its current visit, and its latest updated open conversation
 * with the assignee's name. One query whatever the number of visitors, one row per visitor.
 */
export class LiveVisitorsRepository {
  constructor(private readonly db: Db) {}

  /** Everyone of the organization on a site now (seen since `seenSince`), latest seen first. */
  async onSite(
    orgId: string,
    seenSince: string,
    filter: { siteId?: string | undefined; country?: string | undefined },
    limit: number,
  ): Promise<LiveVisitor[]> {
    let query = this.rows(orgId)
      .where('visit.ended_at', 'is', null)
      .where('visit.last_seen_at', '>=', seenSince);
    if (filter.siteId !== undefined) query = query.where('visit.site_id', '=', filter.siteId);
    if (filter.country !== undefined) query = query.where('v.country', '=', filter.country);
    const rows = await query.orderBy('visit.last_seen_at', 'desc').limit(limit).execute();
    return rows.map(toLiveVisitor);
  }

  /** One visitor of the organization, on a site or not; undefined when it is not of it. */
  async find(orgId: string, visitorId: string, seenSince: string): Promise<VisitorNow | undefined> {
    const row = await this.rows(orgId).where('v.id', '=', visitorId).executeTakeFirst();
    if (!row) return undefined;
    return {
      live: toLiveVisitor(row),
      visitId: row.visitId,
      onSite:
        row.visitId !== null &&
        row.endedAt === null &&
        row.visitLastSeenAt !== null &&
        row.visitLastSeenAt >= seenSince,
      firstSeenAt: row.visitorCreatedAt,
    };
  }

  private rows(orgId: string) {
    return (
      this.db
        .selectFrom('visitors as v')
        .leftJoin('visits as visit', 'visit.id', 'v.current_visit_id')
        // A visitor may have several open conversations: the row shows the latest updated one.
        .leftJoin('conversations as c', (join) =>
          join.on((eb) =>
            eb(
              'c.id',
              '=',
              eb
                .selectFrom('conversations as oc')
                .select('oc.id')
                .whereRef('oc.visitor_id', '=', 'v.id')
                .where('oc.org_id', '=', orgId)
                .where('oc.status', '!=', 'resolved')
                .orderBy('oc.updated_at', 'desc')
                .orderBy('oc.id', 'desc')
                .limit(1),
            ),
          ),
        )
        .leftJoin('agents as a', 'a.id', 'c.assignee_id')
        .where('v.org_id', '=', orgId)
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
          'v.created_at as visitorCreatedAt',
          'v.last_seen_at as visitorLastSeenAt',
          'visit.id as visitId',
          'visit.current_url as currentUrl',
          'visit.current_title as currentTitle',
          'visit.referrer',
          'visit.started_at as visitStartedAt',
          'visit.last_seen_at as visitLastSeenAt',
          'visit.ended_at as endedAt',
          'visit.page_count as pagesThisVisit',
          'c.id as conversationId',
          'a.name as assigneeName',
        ])
    );
  }
}

type LiveRow = Awaited<
  ReturnType<ReturnType<LiveVisitorsRepository['rows']>['executeTakeFirstOrThrow']>
>;

function toLiveVisitor(row: LiveRow): LiveVisitor {
  return {
    visitorId: row.visitorId,
    siteId: row.siteId,
    name: row.name,
    email: row.email,
    verified: row.externalId !== null,
    currentUrl: row.currentUrl,
    currentTitle: row.currentTitle,
    referrer: row.referrer,
    // A visitor never tracked has no visit: its own times stand in.
    visitStartedAt: row.visitStartedAt ?? row.visitorCreatedAt,
    lastSeenAt: row.visitLastSeenAt ?? row.visitorLastSeenAt,
    pagesThisVisit: Number(row.pagesThisVisit ?? 0),
    visitCount: Number(row.visitCount),
    country: row.country,
    city: row.city,
    device: {
      browser: row.browser,
      os: row.os,
      device:
        row.device !== null && DEVICES.has(row.device)
          ? (row.device as DeviceInfo['device'])
          : null,
    },
    conversationId: row.conversationId,
    assigneeName: row.assigneeName,
  };
}
