import type { Db } from '../../db/database';
import { RoutingRepository } from './routing.repository';

/** Where a new conversation waits, and in which language: the columns it starts with. */
export interface Placement {
  department_id: string | null;
  language: string | null;
  queued_at: string;
}

/**
 * A new conversation joins a queue as it opens (in the opening transaction): the department the
 * visitor chose, if it is a live one of the organization, else its site's default department,
 * else the whole team's; in the visitor's browser language. Routing takes it from the queue
 * after the commit.
 */
export async function placeNewConversation(
  trx: Db,
  visitor: { id: string; orgId: string; siteId: string },
  at: string,
  chosenDepartmentId?: string,
): Promise<Placement> {
  const repo = new RoutingRepository(trx);
  const chosen =
    chosenDepartmentId === undefined
      ? undefined
      : await repo.liveDepartment(visitor.orgId, chosenDepartmentId);
  return {
    department_id: chosen ?? (await repo.siteDepartment(visitor.orgId, visitor.siteId)),
    language: await repo.visitorLanguage(visitor.id),
    queued_at: at,
  };
}

/**
 * The columns that put a conversation back in line (a reopen, a transfer nobody accepted, a
 * transfer to a department), for the caller's own update in its own transaction. Call
 * `RoutingService.requeue` after the commit.
 */
export function backToQueue(at: string, departmentId?: string | null) {
  return {
    assignee_id: null,
    assigned_at: null,
    queued_at: at,
    ...(departmentId === undefined ? {} : { department_id: departmentId }),
  };
}
