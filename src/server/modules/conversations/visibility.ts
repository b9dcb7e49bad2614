import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import { hasRole, type Actor } from '../../core/actor';
import type { Db } from '../../db/database';
import type { ConversationsTable, Database } from '../../db/schema';
import { routingSettings } from '../departments/routing-settings';

/**
 * Which conversations an actor may see. Admins, owners, the system, bots and API tokens see all
 * (tokens are limited by their scopes instead), and so does every agent when the organization
 * lets agents see all. Otherwise an agent sees the conversations assigned to them, the
 * unassigned ones of their departments (their queue) and those of no department (an organization
 * without departments works as one team); a supervisor sees every one of their departments.
 */
export type ConversationScope =
  { all: true } | { all: false; agentId: string; departmentIds: string[]; supervisor: boolean };

/** What visibility reads of a conversation. */
export type ScopedConversation = Pick<ConversationsTable, 'assignee_id' | 'department_id'>;

export class ConversationVisibility {
  constructor(private readonly db: Db) {}

  async scopeOf(actor: Actor): Promise<ConversationScope> {
    if (actor.kind !== 'agent' || hasRole(actor, 'admin')) return { all: true };
    const [settings, departmentIds] = await Promise.all([
      routingSettings(this.db, actor.orgId),
      this.departmentsOf(actor.orgId, actor.id),
    ]);
    if (settings.agentsSeeAll) return { all: true };
    return {
      all: false,
      agentId: actor.id,
      departmentIds,
      supervisor: hasRole(actor, 'supervisor'),
    };
  }

  /** The (not deleted) departments an agent belongs to. */
  async departmentsOf(orgId: string, agentId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('agent_departments')
      .innerJoin('departments', 'departments.id', 'agent_departments.department_id')
      .select('agent_departments.department_id')
      .where('agent_departments.org_id', '=', orgId)
      .where('agent_departments.agent_id', '=', agentId)
      .where('departments.deleted_at', 'is', null)
      .execute();
    return rows.map((r) => r.department_id);
  }
}

export function mayView(scope: ConversationScope, conversation: ScopedConversation): boolean {
  if (scope.all) return true;
  const { assignee_id: assignee, department_id: department } = conversation;
  if (assignee === scope.agentId || department === null) return true;
  if (!scope.departmentIds.includes(department)) return false;
  return scope.supervisor || assignee === null;
}

/** `mayView` as a WHERE condition on the `conversations` table; undefined when all are visible. */
export function visibleWhere(
  scope: ConversationScope,
):
  | ((
      eb: ExpressionBuilder<Database, 'conversations'>,
    ) => ExpressionWrapper<Database, 'conversations', SqlBool>)
  | undefined {
  if (scope.all) return undefined;
  return (eb) => {
    const own = [
      eb('conversations.assignee_id', '=', scope.agentId),
      eb('conversations.department_id', 'is', null),
    ];
    if (scope.departmentIds.length === 0) return eb.or(own);
    const ofDepartments = eb('conversations.department_id', 'in', scope.departmentIds);
    return eb.or([
      ...own,
      scope.supervisor
        ? ofDepartments
        : eb.and([ofDepartments, eb('conversations.assignee_id', 'is', null)]),
    ]);
  };
}
