import { hasScope, type Actor } from '../../core/actor';

/**
 * Who may do what with a conversation of their own organization (the organization itself is
 * checked by the lookup: another one's conversation is not found). Today every agent may see and
 * answer every conversation; the routing issue narrows "see" to departments and assignees here.
 */
export const conversationPolicy = {
  read: (actor: Actor): boolean =>
    actor.kind === 'agent' ||
    actor.kind === 'system' ||
    actor.kind === 'bot' ||
    hasScope(actor, 'conversations:read'),

  /** Reply, write a private note, mark read, show typing. */
  write: (actor: Actor): boolean =>
    actor.kind === 'agent' ||
    actor.kind === 'system' ||
    actor.kind === 'bot' ||
    hasScope(actor, 'conversations:write'),

  resolve: (actor: Actor): boolean =>
    actor.kind === 'agent' || actor.kind === 'system' || hasScope(actor, 'conversations:write'),

  /** Block or unblock the conversation's visitor. */
  block: (actor: Actor): boolean => actor.kind === 'agent',
};
