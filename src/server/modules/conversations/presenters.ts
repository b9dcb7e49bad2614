import type { ConversationsTable, MessagesTable } from '../../db/schema';
import type { MessageMeta } from '../../../protocol/routing-schemas';
import type {
  Conversation,
  Message,
  MessageTranslation,
  VisitorConversation,
} from '../../../protocol/schemas';
import { presentedAuthorId } from '../messages/message-author';
import type { ConversationView } from './conversations.repository';

export function toConversation(row: ConversationView): Conversation {
  return {
    id: row.id,
    siteId: row.site_id,
    visitor: {
      id: row.visitor_id,
      name: row.visitor_name,
      email: row.visitor_email,
      blocked: row.visitor_blocked_at !== null,
    },
    status: row.status,
    assigneeId: row.assignee_id,
    departmentId: row.department_id,
    queuedAt: row.queued_at,
    assignedAt: row.assigned_at,
    language: row.language,
    lastSeq: row.last_seq,
    lastMessage:
      row.last_message_at === null
        ? null
        : {
            body: row.last_message_body ?? '',
            authorType: row.last_message_author ?? 'system',
            createdAt: row.last_message_at,
          },
    unreadCount: row.agent_unread_count,
    visitorReadSeq: row.visitor_read_seq,
    agentReadSeq: row.agent_read_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toVisitorConversation(row: ConversationsTable): VisitorConversation {
  return {
    id: row.id,
    status: row.status,
    lastSeq: row.last_seq,
    agentReadSeq: row.agent_read_seq,
    visitorReadSeq: row.visitor_read_seq,
  };
}

export function toMessage(row: MessagesTable, translations: MessageTranslation[] = []): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    clientId: row.client_id,
    author: {
      type: row.author_type,
      id: presentedAuthorId(row.author_type, row.author_id),
      name: row.author_name,
    },
    body: row.body,
    internal: row.internal === 1,
    meta: row.meta === null ? null : (JSON.parse(row.meta) as MessageMeta),
    translations,
    createdAt: row.created_at,
  };
}

const PREVIEW_LENGTH = 200;

/** The start of a body for conversation lists, cut between code points, never inside a pair. */
export function preview(body: string): string {
  if (body.length <= PREVIEW_LENGTH) return body;
  return Array.from(body.slice(0, PREVIEW_LENGTH + 1))
    .join('')
    .slice(0, PREVIEW_LENGTH)
    .replace(/[\uD800-\uDBFF]$/, '');
}
