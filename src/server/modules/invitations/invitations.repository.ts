import type { Selectable } from 'kysely';
import type { Db } from '../../db/database';
import type { InvitationsTable } from '../../db/schema';

export type InvitationRow = Selectable<InvitationsTable>;

/** Invitations and what deciding on them reads: the visitor's visit, its conversations, the site's rules. */
export class InvitationsRepository {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): InvitationsRepository {
    return new InvitationsRepository(trx);
  }

  /** The visitor of the organization, with the visit it is on (or was on last). */
  visitorForOrg(orgId: string, visitorId: string) {
    return this.db
      .selectFrom('visitors')
      .leftJoin('visits', 'visits.id', 'visitors.current_visit_id')
      .select([
        'visitors.id',
        'visitors.site_id',
        'visitors.current_visit_id',
        'visits.last_seen_at as visit_last_seen_at',
        'visits.ended_at as visit_ended_at',
      ])
      .where('visitors.org_id', '=', orgId)
      .where('visitors.id', '=', visitorId)
      .executeTakeFirst();
  }

  /** Whether the visitor has a conversation that is not resolved: then it is chatting. */
  async isChatting(visitorId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('visitor_id', '=', visitorId)
      .where('status', '!=', 'resolved')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(row: InvitationsTable): Promise<void> {
    await this.db.insertInto('invitations').values(row).execute();
  }

  /** Agents' invitations of this visit not shown yet, newest first. */
  pendingManual(visitorId: string, visitId: string): Promise<InvitationRow[]> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .where('visit_id', '=', visitId)
      .where('agent_id', 'is not', null)
      .where('shown_at', 'is', null)
      .where('dismissed_at', 'is', null)
      .where('answered_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  /** Marks those not shown yet as shown; how many this call marked (a parallel one may have). */
  async markShown(ids: readonly string[], at: string): Promise<number> {
    if (ids.length === 0) return 0;
    const [result] = await this.db
      .updateTable('invitations')
      .set({ shown_at: at })
      .where('id', 'in', ids)
      .where('shown_at', 'is', null)
      .execute();
    return Number(result?.numUpdatedRows ?? 0);
  }

  /** The rules that already fired in this visit. */
  async rulesShownIn(visitId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('invitations')
      .select('rule_id')
      .where('visit_id', '=', visitId)
      .where('rule_id', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.rule_id!));
  }

  findForVisitor(visitorId: string, id: string): Promise<InvitationRow | undefined> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async update(
    id: string,
    changes: Partial<
      Pick<InvitationsTable, 'shown_at' | 'dismissed_at' | 'answered_at' | 'conversation_id'>
    >,
  ): Promise<void> {
    await this.db.updateTable('invitations').set(changes).where('id', '=', id).execute();
  }

  /** The invitation the visitor pressed "Reply" on since `since` and has not written to yet. */
  answeredAwaitingMessage(visitorId: string, since: string): Promise<InvitationRow | undefined> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .where('answered_at', '>=', since)
      .where('conversation_id', 'is', null)
      .orderBy('answered_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** An agent as an invitation names them: deactivated ones are gone. */
  agent(orgId: string, agentId: string) {
    return this.db
      .selectFrom('agents')
      .select(['id', 'name', 'role', 'presence'])
      .where('org_id', '=', orgId)
      .where('id', '=', agentId)
      .where('deactivated_at', 'is', null)
      .executeTakeFirst();
  }

  async siteRules(orgId: string, siteId: string) {
    return this.db
      .selectFrom('sites')
      .select(['id', 'name', 'invitation_rules'])
      .where('org_id', '=', orgId)
      .where('id', '=', siteId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  async setSiteRules(orgId: string, siteId: string, rules: string): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({ invitation_rules: rules })
      .where('org_id', '=', orgId)
      .where('id', '=', siteId)
      .execute();
  }
}
