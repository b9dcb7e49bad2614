import { watchEffect } from 'vue';
import { markConversationRead } from '../realtime/agent-actions';
import { connectionState } from '../realtime/connector';
import { reportBackgroundFailure } from '../report';
import { useConversationsStore } from '../stores/conversations';
import { useMessagesStore } from '../stores/messages';
import { usePageVisible } from './usePageVisible';

/**
 * Marks the open conversation read up to the last message on screen whenever it has unread
 * visitor messages and the agent can see the tab: on opening, on new messages, on coming back.
 */
export function useMarkRead(conversationId: () => string): void {
  const conversations = useConversationsStore();
  const messages = useMessagesStore();
  const visible = usePageVisible();
  const sending = new Set<string>();

  watchEffect(() => {
    const id = conversationId();
    const conversation = conversations.get(id);
    const seq = messages.thread(id)?.topSeq ?? 0;
    if (!conversation || !visible.value || connectionState.value !== 'online') return;
    if (conversation.unreadCount === 0 || seq <= conversation.agentReadSeq) return;
    const key = `${id}:${seq}`;
    if (sending.has(key)) return;
    sending.add(key);
    markConversationRead(id, seq)
      .then(() => conversations.markReadUpTo(id, seq))
      .catch(reportBackgroundFailure)
      .finally(() => sending.delete(key));
  });
}
