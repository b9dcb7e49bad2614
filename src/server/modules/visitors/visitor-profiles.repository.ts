import type { Selectable } from 'kysely';
import type { Db } from '../../db/database';
import type { ConversationsTable, PageViewsTable, VisitsTable } from '../../db/schema';

/** A visitor's columns the live view and the profile read, with its current visit's. */
export interface LiveVisitorRow {
  visitor_id: string;
  site_id: string;
  name: string | null;
  email: string | null;
  external_id: string | null;
  visit_count: number;
  country: string | null;
  city: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  current_url: string | null;
  current_title: string | null;
  referrer: string | null;
  visitor_created_at: string;
  visitor_last_seen_at: string;
  /** The visit's columns are null for a visitor never tracked (a chat without the tracker). */
  visit_id: string | null;
  started_at: string | null;
  visit_last_seen_at: string | null;
  ended_at: string | null;
  page_count: number | null;
}

/** The open conversation of a visitor, and the name of the agent it is assigned to. */
export interface OpenConversationRow {
  visitor_id: string;
  id: string;
  updated_at: string;
  assignee_name: string | null;
}

export type VisitRow = Selectable<VisitsTable>;
export type PageViewRow = Selectable<PageViewsTable>;
export type VisitorConversationRow = Pick<
  Selectable<ConversationsTable>,
  | 'id'
  | 'status'
  | 'updated_at'
  | 'last_message_body'
  | 'assignee_id'
  | 'department_id'
  | 'created_at'
>;

/**
 * Read queries of the live visitors view and the visitor profile, scoped by organization. Every
 * query is a handful of indexed reads whatever the number of visitors: no query per row.
 */
export class VisitorProfilesRepository {
  constructor(private readonly db: Db) {}

  /** Visitors whose current visit is not over and was seen after `seenAfter`, latest first. */
  listLive(
    orgId: string,
    seenAfter: string,
    filter: { siteId?: string | undefined; country?: string | undefined },
    limit: number,
  ): Promise<LiveVisitorRow[]> {
    let query = this.liveRows()
      .where('visits.org_id', '=', orgId)
      .where('visits.ended_at', 'is', null)
      .where('visits.last_seen_at', '>', seenAfter);
    if (filter.siteId !== undefined) query = query.where('visits.site_id', '=', filter.siteId);
    if (filter.country !== undefined) query = query.where('visitors.country', '=', filter.country);
    return query.orderBy('visits.last_seen_at', 'desc').limit(limit).execute();
  }

  /** The organization's sites by name. */
  siteNames(orgId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('sites')
      .select(['id', 'name'])
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .orderBy('name')
      .execute();
  }

  /** One visitor with its current (or last) visit, if any; undefined when not of this organization. */
  findLive(orgId: string, visitorId: string): Promise<LiveVisitorRow | undefined> {
    return this.liveRows()
      .where('visitors.org_id', '=', orgId)
      .where('visitors.id', '=', visitorId)
      .executeTakeFirst();
  }

  /** The visitors' open (or pending) conversations, the latest updated first. */
  async openConversations(orgId: string, visitorIds: string[]): Promise<OpenConversationRow[]> {
    if (visitorIds.length === 0) return [];
    return this.db
      .selectFrom('conversations')
      .leftJoin('agents', 'agents.id', 'conversations.assignee_id')
      .select([
        'conversations.visitor_id',
        'conversations.id',
        'conversations.updated_at',
        'agents.name as assignee_name',
      ])
      .where('conversations.org_id', '=', orgId)
      .where('conversations.visitor_id', 'in', visitorIds)
      .where('conversations.status', 'in', ['open', 'pending'])
      .orderBy('conversations.updated_at', 'desc')
      .execute();
  }

  /** A visit's pages, oldest first. */
  trail(orgId: string, visitId: string, limit: number): Promise<PageViewRow[]> {
    return this.db
      .selectFrom('page_views')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('visit_id', '=', visitId)
      .orderBy('viewed_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** The visitor's visits, the latest first. */
  visits(orgId: string, visitorId: string, limit: number): Promise<VisitRow[]> {
    return this.db
      .selectFrom('visits')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('visitor_id', '=', visitorId)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** The visitor's conversations, the latest updated first. */
  conversations(
    orgId: string,
    visitorId: string,
    limit: number,
  ): Promise<VisitorConversationRow[]> {
    return this.db
      .selectFrom('conversations')
      .select([
        'id',
        'status',
        'updated_at',
        'last_message_body',
        'assignee_id',
        'department_id',
        'created_at',
      ])
      .where('org_id', '=', orgId)
      .where('visitor_id', '=', visitorId)
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** The visitor's fields no live row carries, and the department its pre-chat form picked. */
  details(orgId: string, visitorId: string) {
    return this.db
      .selectFrom('visitors')
      .leftJoin('departments', (join) =>
        join
          .onRef('departments.id', '=', 'visitors.chosen_department_id')
          .on('departments.org_id', '=', orgId),
      )
      .select([
        'visitors.language',
        'visitors.time_zone',
        'visitors.attributes',
        'visitors.notes',
        'departments.name as department_name',
      ])
      .where('visitors.org_id', '=', orgId)
      .where('visitors.id', '=', visitorId)
      .executeTakeFirst();
  }

  async update(
    orgId: string,
    visitorId: string,
    changes: { name?: string | null; email?: string | null; notes?: string | null },
  ): Promise<void> {
    await this.db
      .updateTable('visitors')
      .set(changes)
      .where('org_id', '=', orgId)
      .where('id', '=', visitorId)
      .execute();
  }

  private liveRows() {
    return this.db
      .selectFrom('visitors')
      .leftJoin('visits', 'visits.id', 'visitors.current_visit_id')
      .select([
        'visitors.id as visitor_id',
        'visitors.site_id',
        'visitors.name',
        'visitors.email',
        'visitors.external_id',
        'visitors.visit_count',
        'visitors.country',
        'visitors.city',
        'visitors.browser',
        'visitors.os',
        'visitors.device',
        'visitors.created_at as visitor_created_at',
        'visitors.last_seen_at as visitor_last_seen_at',
        'visits.id as visit_id',
        'visits.current_url',
        'visits.current_title',
        'visits.referrer',
        'visits.started_at',
        'visits.last_seen_at as visit_last_seen_at',
        'visits.ended_at',
        'visits.page_count',
      ]);
  }
}
