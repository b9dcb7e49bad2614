import type { Conversation, SyncResult } from '../../protocol/schemas';
import { requestJson } from './http';

export type ConversationTab = 'open' | 'resolved';

export async function fetchConversations(status: ConversationTab): Promise<Conversation[]> {
  const { conversations } = await requestJson<{ conversations: Conversation[] }>(
    'GET',
    `/api/v1/conversations?status=${status}`,
  );
  return conversations;
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
