import type { Conversation, Message } from '../../protocol/schemas';
import type { ConversationTab } from '../api/conversations';

/** A blocked visitor's conversations are in Blocked, whatever their status. */
export function tabOf(conversation: Conversation): ConversationTab {
  if (conversation.visitor.blocked) return 'blocked';
  return conversation.status === 'resolved' ? 'resolved' : 'open';
}

/**
 * Whether a conversation falls within what a list page covered: the server sorts by `updatedAt`
 * then `id`, both descending, so the page covers everything that sorts up to its last row.
 */
export function sortsUpTo(conversation: Conversation, last: Conversation): boolean {
  if (conversation.updatedAt !== last.updatedAt) return conversation.updatedAt > last.updatedAt;
  return conversation.id >= last.id;
}

/**
 * Combines what we hold with a snapshot from the server (a push or a list). Pushes and list
 * replies race, so a snapshot behind ours (a lower lastSeq, or the same and an older updatedAt)
 * is dropped, and a read we already acknowledged is never undone by a snapshot taken before it.
 */
export function mergeConversation(current: Conversation, incoming: Conversation): Conversation {
  if (isBehind(incoming, current)) return current;
  const agentReadSeq = Math.max(current.agentReadSeq, incoming.agentReadSeq);
  return {
    ...incoming,
    agentReadSeq,
    visitorReadSeq: Math.max(current.visitorReadSeq, incoming.visitorReadSeq),
    unreadCount: agentReadSeq >= incoming.lastSeq ? 0 : incoming.unreadCount,
  };
}

function isBehind(snapshot: Conversation, reference: Conversation): boolean {
  if (snapshot.lastSeq !== reference.lastSeq) return snapshot.lastSeq < reference.lastSeq;
  return Date.parse(snapshot.updatedAt) < Date.parse(reference.updatedAt);
}

/**
 * The conversation after one of its messages arrives; unchanged when it already counts it.
 * As on the server, a visitor message adds to the unread count and an agent's message (a reply
 * or a note) means the agents have read everything before it.
 */
export function withMessage(conversation: Conversation, message: Message): Conversation {
  if (message.seq <= conversation.lastSeq) return conversation;
  const next: Conversation = {
    ...conversation,
    lastSeq: message.seq,
    lastMessage: {
      body: message.body,
      authorType: message.author.type,
      createdAt: message.createdAt,
    },
  };
  if (message.author.type === 'agent') return withReadUpTo(next, message.seq);
  if (message.author.type === 'visitor' && message.seq > conversation.agentReadSeq) {
    next.unreadCount += 1;
  }
  return next;
}

export function withReadUpTo(conversation: Conversation, seq: number): Conversation {
  const agentReadSeq = Math.max(conversation.agentReadSeq, seq);
  return {
    ...conversation,
    agentReadSeq,
    unreadCount: agentReadSeq >= conversation.lastSeq ? 0 : conversation.unreadCount,
  };
}

/** Newest activity first: the last message's time, or creation for a conversation without one. */
export function byNewestActivity(a: Conversation, b: Conversation): number {
  const difference = activityTime(b) - activityTime(a);
  return difference !== 0 ? difference : a.id.localeCompare(b.id);
}

function activityTime(conversation: Conversation): number {
  return Date.parse(conversation.lastMessage?.createdAt ?? conversation.createdAt);
}
