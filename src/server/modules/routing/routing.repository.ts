import type { Db } from '../../db/database';
import { engineOf, hasRowLocks } from '../../db/dialect';
import type { RoutingStrategy } from '../../../protocol/routing-schemas';
import type { ConversationView } from '../conversations/conversations.repository';

/** A department as routing reads it. */
export interface RoutingDepartment {
  id: string;
  strategy: RoutingStrategy;
  last_assigned_agent_id: string | null;
  deleted_at: string | null;
}

/** An active agent who is online now, with what routing weighs. */
export interface OnlineAgent {
  id: string;
  name: string;
  max_chats: number;
  /** JSON array of BCP 47 tags, or null. */
  languages: string | null;
}

/** A conversation waiting in a queue, with what its position needs. */
export interface QueuedEntry {
  id: string;
  visitor_id: string;
  department_id: string | null;
  queued_at: string;
}

const LIVE = ['open', 'pending'] as const;

/** Routing's queries, each scoped by the organization. */
export class RoutingRepository {
  /** `db` may be the store or a transaction of it. */
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): RoutingRepository {
    return new RoutingRepository(trx);
  }

  /**
   * The organization's routing row (made on first use), locked until the transaction ends: every
   * routing decision of the organization takes this lock first, so decisions on several nodes
   * run one after another and each sees the loads the one before it left (an agent may be in
   * several departments, so a department's lock would not be enough). On SQLite the one writer
   * already serializes them. Being the transaction's first read matters on MySQL: its snapshot
   * starts after the lock.
   */
  async lockOrganization(orgId: string): Promise<{ last_assigned_agent_id: string | null }> {
    const locked = () =>
      this.db
        .selectFrom('org_routing')
        .select('last_assigned_agent_id')
        .where('org_id', '=', orgId)
        .$if(hasRowLocks(this.db), (q) => q.forUpdate())
        .executeTakeFirst();
    const row = await locked();
    if (row) return row;
    // First pass of this organization; another node's may be making the row at the same time.
    const insert = this.db
      .insertInto('org_routing')
      .values({ org_id: orgId, last_assigned_agent_id: null });
    await (
      engineOf(this.db) === 'mysql'
        ? insert.ignore()
        : insert.onConflict((oc) => oc.column('org_id').doNothing())
    ).execute();
    return (await locked())!;
  }

  departments(orgId: string): Promise<RoutingDepartment[]> {
    return this.db
      .selectFrom('departments')
      .select(['id', 'strategy', 'last_assigned_agent_id', 'deleted_at'])
      .where('org_id', '=', orgId)
      .execute();
  }

  onlineAgents(orgId: string): Promise<OnlineAgent[]> {
    return this.db
      .selectFrom('agents')
      .select(['id', 'name', 'max_chats', 'languages'])
      .where('org_id', '=', orgId)
      .where('deactivated_at', 'is', null)
      .where('presence', '=', 'online')
      .execute();
  }

  /** Which departments each agent is in. */
  memberships(orgId: string): Promise<{ agent_id: string; department_id: string }[]> {
    return this.db
      .selectFrom('agent_departments')
      .select(['agent_id', 'department_id'])
      .where('org_id', '=', orgId)
      .execute();
  }

  async isMember(agentId: string, departmentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('agent_departments')
      .select('id')
      .where('agent_id', '=', agentId)
      .where('department_id', '=', departmentId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Open and pending conversations assigned to each of `agentIds`. */
  async loads(orgId: string, agentIds: string[]): Promise<Map<string, number>> {
    if (agentIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('conversations')
      .select((eb) => ['assignee_id', eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', orgId)
      .where('assignee_id', 'in', agentIds)
      .where('status', 'in', LIVE)
      .groupBy('assignee_id')
      .execute();
    return new Map(rows.map((r) => [r.assignee_id!, Number(r.n)]));
  }

  /** The oldest waiting conversations of the organization, in queue order. */
  queued(orgId: string, limit: number): Promise<ConversationView[]> {
    return this.db
      .selectFrom('conversations')
      .innerJoin('visitors', 'visitors.id', 'conversations.visitor_id')
      .selectAll('conversations')
      .select([
        'visitors.name as visitor_name',
        'visitors.email as visitor_email',
        'visitors.blocked_at as visitor_blocked_at',
      ])
      .where('conversations.org_id', '=', orgId)
      .where('conversations.queued_at', 'is not', null)
      .where('conversations.assignee_id', 'is', null)
      .where('conversations.status', 'in', LIVE)
      .where('visitors.blocked_at', 'is', null)
      .orderBy('conversations.queued_at')
      .orderBy('conversations.id')
      .limit(limit)
      .execute();
  }

  /** Every waiting conversation of the organization, in queue order, for positions. */
  queueEntries(orgId: string): Promise<QueuedEntry[]> {
    return this.db
      .selectFrom('conversations')
      .select(['id', 'visitor_id', 'department_id', 'queued_at'])
      .where('org_id', '=', orgId)
      .where('queued_at', 'is not', null)
      .where('assignee_id', 'is', null)
      .where('status', 'in', LIVE)
      .orderBy('queued_at')
      .orderBy('id')
      .execute() as Promise<QueuedEntry[]>;
  }

  /** The conversation as it waits in line; undefined when it does not wait. */
  queueEntry(orgId: string, conversationId: string): Promise<QueuedEntry | undefined> {
    return this.db
      .selectFrom('conversations')
      .select(['id', 'visitor_id', 'department_id', 'queued_at'])
      .where('org_id', '=', orgId)
      .where('id', '=', conversationId)
      .where('queued_at', 'is not', null)
      .where('assignee_id', 'is', null)
      .where('status', 'in', LIVE)
      .executeTakeFirst() as Promise<QueuedEntry | undefined>;
  }

  /**
   * How many wait before `entry` in its queue, in the order of `queueEntries`: the live
   * department's (`departmentId`), or with null the whole team's (no department, or a deleted one).
   */
  async waitingAhead(
    orgId: string,
    entry: QueuedEntry,
    departmentId: string | null,
  ): Promise<number> {
    const row = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('org_id', '=', orgId)
      .where('queued_at', 'is not', null)
      .where('assignee_id', 'is', null)
      .where('status', 'in', LIVE)
      .where((eb) =>
        eb.or([
          eb('queued_at', '<', entry.queued_at),
          eb.and([eb('queued_at', '=', entry.queued_at), eb('id', '<', entry.id)]),
        ]),
      )
      .where((eb) =>
        departmentId !== null
          ? eb('department_id', '=', departmentId)
          : eb.or([
              eb('department_id', 'is', null),
              eb(
                'department_id',
                'not in',
                eb
                  .selectFrom('departments')
                  .select('departments.id')
                  .where('departments.org_id', '=', orgId)
                  .where('departments.deleted_at', 'is', null),
              ),
            ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Organizations with someone waiting: what the periodic drain visits. */
  async organizationsWithQueue(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select('org_id')
      .distinct()
      .where('queued_at', 'is not', null)
      .where('assignee_id', 'is', null)
      .where('status', 'in', LIVE)
      .execute();
    return rows.map((r) => r.org_id);
  }

  /** When the organization's most recently resolved assigned conversations were assigned and resolved. */
  recentHandling(orgId: string, limit: number) {
    return this.db
      .selectFrom('conversations')
      .select(['assigned_at', 'resolved_at'])
      .where('org_id', '=', orgId)
      .where('status', '=', 'resolved')
      .where('assigned_at', 'is not', null)
      .where('resolved_at', 'is not', null)
      .orderBy('resolved_at', 'desc')
      .limit(limit)
      .execute();
  }

  async setDepartmentCursor(departmentId: string, agentId: string): Promise<void> {
    await this.db
      .updateTable('departments')
      .set({ last_assigned_agent_id: agentId })
      .where('id', '=', departmentId)
      .execute();
  }

  async setOrganizationCursor(orgId: string, agentId: string): Promise<void> {
    await this.db
      .updateTable('org_routing')
      .set({ last_assigned_agent_id: agentId })
      .where('org_id', '=', orgId)
      .execute();
  }

  async visitorLanguage(visitorId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('visitors')
      .select('language')
      .where('id', '=', visitorId)
      .executeTakeFirst();
    return row?.language ?? null;
  }
}
