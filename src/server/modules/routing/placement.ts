import { browserConversationLanguage } from '../../../protocol/languages';
import type { Db } from '../../db/database';
import { departmentForNewConversation } from '../departments/department-choice';
import { RoutingRepository } from './routing.repository';

/** Where a new conversation waits, and in which language: the columns it starts with. */
export interface Placement {
  department_id: string | null;
  language: string | null;
  queued_at: string;
}

/**
 * A new conversation joins a queue as it opens (in the opening transaction): the department the
 * visitor picked in the pre-chat form, if the site still offers it, else its site's default
 * department, else the whole team's (see departmentForNewConversation); in the visitor's browser
 * language (Chinese by script, as detection writes it). Routing takes it from the queue after the
 * commit; the visitor's first message, detected in the same transaction, may have changed it.
 */
export async function placeNewConversation(
  trx: Db,
  visitor: { id: string; orgId: string; siteId: string },
  at: string,
): Promise<Placement> {
  return {
    department_id: await departmentForNewConversation(trx, visitor),
    language: browserConversationLanguage(
      await new RoutingRepository(trx).visitorLanguage(visitor.id),
    ),
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
