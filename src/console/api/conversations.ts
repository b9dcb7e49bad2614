import type { Conversation, ConversationPage, SyncResult } from '../../protocol/schemas';
import { requestJson } from './http';

/** The inbox tabs, as the server's list filter names them. */
export type ConversationTab = 'open' | 'resolved' | 'blocked';

/** One page of a tab's conversations, newest first; pass `nextCursor` back for the next one. */
export function fetchConversations(
  status: ConversationTab,
  cursor?: string,
): Promise<ConversationPage> {
  const query = new URLSearchParams({ status, ...(cursor ? { cursor } : {}) });
  return requestJson('GET', `/api/v1/conversations?${query}`);
}

/** One page of messages with seq > afterSeq, ascending; ask again from the last seq while hasMore. */
export function fetchMessagesAfter(
  conversationId: string,
  afterSeq: number,
): Promise<SyncResult<Conversation>> {
  return requestJson(
    'GET',
    `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages?afterSeq=${afterSeq}`,
  );
}
