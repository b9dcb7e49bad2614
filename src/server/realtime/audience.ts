import type { ConversationAudience } from '../domain-events';
import type { ConversationScope } from '../modules/conversations/visibility';
import {
  agentRoom,
  conversationRoom,
  departmentAgentsRoom,
  departmentSupervisorsRoom,
  orgAgentsRoom,
  orgAllConversationsRoom,
} from './rooms';

/**
 * The rooms that together hold exactly the agents who may see a conversation (the rooms mirror
 * `mayView`): everyone for one of no department; otherwise those who see all, the department's
 * supervisors, its assignee (or, while unassigned, the department's agents), and supervisors who
 * joined it.
 */
export function audienceRooms(orgId: string, audience: ConversationAudience): string[] {
  const { conversationId, departmentId, assigneeId } = audience;
  if (departmentId === null) return [orgAgentsRoom(orgId)];
  return [
    orgAllConversationsRoom(orgId),
    departmentSupervisorsRoom(orgId, departmentId),
    conversationRoom(conversationId),
    assigneeId === null ? departmentAgentsRoom(orgId, departmentId) : agentRoom(assigneeId),
  ];
}

/** The visibility rooms an agent's socket joins on connecting, from their scope then. */
export function scopeRooms(orgId: string, scope: ConversationScope): string[] {
  if (scope.all) return [orgAllConversationsRoom(orgId)];
  return scope.departmentIds.flatMap((departmentId) => [
    departmentAgentsRoom(orgId, departmentId),
    ...(scope.supervisor ? [departmentSupervisorsRoom(orgId, departmentId)] : []),
  ]);
}
