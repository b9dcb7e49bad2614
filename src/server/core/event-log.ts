import type { Db } from '../db/database';
import type { EventsTable } from '../db/schema';
import { actorRef, type Actor } from './actor';
import { sortableId } from './sortable-id';

/** The changes others react to, by the name the log records them under. */
export type EventType =
  | 'conversation.opened'
  | 'conversation.resolved'
  | 'conversation.reopened'
  | 'conversation.assigned'
  /** Open ↔ pending: an agent replied, or the visitor wrote back (`data`: from, to). */
  | 'conversation.status_changed'
  | 'message.appended'
  | 'visitor.blocked'
  | 'visitor.unblocked'
  /** An agent changed a visitor's name, email or notes (`data`: which, never the values). */
  | 'visitor.updated'
  /** A verified identify (`data`: verified, linked to another visitor, conversations moved). */
  | 'visitor.identified'
  /** An identity secret was made or rotated, or "Require verified identity" changed. */
  | 'site.identity_changed'
  | 'site.created'
  | 'site.updated'
  | 'site.deleted'
  | 'agent.invited'
  | 'agent.joined'
  | 'agent.role_changed'
  | 'agent.deactivated'
  | 'agent.presence_changed'
  | 'organization.updated'
  | 'department.created'
  | 'department.updated'
  | 'department.deleted'
  | 'department.member_added'
  | 'department.member_removed'
  | 'agent.routing_changed'
  | 'organization.routing_changed'
  /** A proactive invitation: sent by an agent, dismissed or answered by the visitor. */
  | 'invitation.sent'
  | 'invitation.dismissed'
  | 'invitation.answered'
  /** The translation provider was chosen or changed (`data`: provider, whether a key is set). */
  | 'organization.translation_changed'
  /** A glossary term was added or removed (`data`: action, term id). */
  | 'glossary.changed';

export interface LoggedEvent {
  type: EventType;
  orgId: string;
  actor: Actor;
  conversationId?: string;
  visitorId?: string;
  /** Ids and numbers that say what changed; never message bodies (the log outlives them). */
  data?: Record<string, string | number | boolean | null>;
  at: string;
}

/**
 * Writes events into the durable log. Call it with the transaction of the change itself, so the
 * event exists if and only if the change does: a reader of the log (reports, webhooks, the audit
 * log) never sees a change without its event, nor an event of a change that was rolled back.
 */
export async function logEvents(trx: Db, events: readonly LoggedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await trx.insertInto('events').values(events.map(toRow)).execute();
}

function toRow(event: LoggedEvent): EventsTable {
  const actor = actorRef(event.actor);
  return {
    // Sortable: the log reads back in the order it was written, even within one transaction.
    id: sortableId(),
    org_id: event.orgId,
    type: event.type,
    actor_type: actor.type,
    actor_id: actor.id,
    conversation_id: event.conversationId ?? null,
    visitor_id: event.visitorId ?? null,
    data: event.data ? JSON.stringify(event.data) : null,
    created_at: event.at,
  };
}

/** An organization's events, oldest first, for tests and (later) the timeline and webhooks. */
export function eventsOf(db: Db, orgId: string, conversationId?: string) {
  let query = db.selectFrom('events').selectAll().where('org_id', '=', orgId);
  if (conversationId) query = query.where('conversation_id', '=', conversationId);
  return query.orderBy('id').execute();
}
