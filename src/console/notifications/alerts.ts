import type { Conversation, Message } from '../../protocol/schemas';
import { i18n } from '../i18n';
import { visitorName } from '../i18n/visitor-name';
import { playChime } from './chime';
import { notificationsActive } from './preference';

/** Enough of a message to recognise it in a desktop notification. */
const PREVIEW_LENGTH = 140;

export function alertNewConversation(
  conversation: Conversation,
  openConversation: (id: string) => void,
): void {
  const { t } = i18n.global;
  notifyAgent({
    title: t('notifications.newConversation'),
    body: conversation.lastMessage
      ? `${visitorName(conversation.visitor)}: ${preview(conversation.lastMessage.body)}`
      : visitorName(conversation.visitor),
    conversationId: conversation.id,
    openConversation,
  });
}

export function alertVisitorMessage(
  conversation: Conversation | undefined,
  message: Message,
  openConversation: (id: string) => void,
): void {
  const { t } = i18n.global;
  const name = conversation ? visitorName(conversation.visitor) : t('visitor.someone');
  notifyAgent({
    title: t('notifications.newMessage', { name }),
    body: preview(message.body),
    conversationId: message.conversationId,
    openConversation,
  });
}

interface AgentNotification {
  title: string;
  body: string;
  conversationId: string;
  openConversation: (id: string) => void;
}

function notifyAgent({ title, body, conversationId, openConversation }: AgentNotification): void {
  if (!notificationsActive.value) return;
  // One notification per conversation: a newer one replaces the older instead of stacking.
  const notification = new Notification(title, { body, tag: conversationId });
  notification.onclick = () => {
    window.focus();
    openConversation(conversationId);
    notification.close();
  };
  playChime();
}

function preview(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1)}…` : flat;
}
