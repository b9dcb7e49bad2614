import type { Selectable } from 'kysely';
import type { Db } from '../../db/database';
import type { ConversationsTable, PageViewsTable, VisitsTable } from '../../db/schema';

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
 * The visitor profile's queries beyond its live row (LiveVisitorsRepository), scoped by
 * organization: a handful of indexed reads, no query per row.
 */
export class VisitorProfilesRepository {
  constructor(private readonly db: Db) {}

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
}
