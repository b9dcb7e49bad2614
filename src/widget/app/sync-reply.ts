import type { Message, SyncResult, VisitorConversation } from '../../protocol/schemas';
import { isRecord } from '../../client/is-record';

export type SyncPage = SyncResult<VisitorConversation>;

/**
 * The page of a `conversation:sync` ack, or null when the ack is an error or not what the
 * protocol says. Checked before any of it is applied, so a malformed reply changes nothing and
 * counts as a failed sync. Fields the widget does not know are ignored, as the protocol asks.
 */
export function syncPageOf(ack: unknown): SyncPage | null {
  if (!isRecord(ack) || ack.ok !== true) return null;
  return isSyncPage(ack.data) ? ack.data : null;
}

function isSyncPage(value: unknown): value is SyncPage {
  return (
    isRecord(value) &&
    (value.conversation === null || isVisitorConversation(value.conversation)) &&
    Array.isArray(value.messages) &&
    value.messages.every(isMessage) &&
    typeof value.hasMore === 'boolean'
  );
}

function isVisitorConversation(value: unknown): value is VisitorConversation {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.status === 'string' &&
    isSeq(value.lastSeq) &&
    isSeq(value.agentReadSeq) &&
    isSeq(value.visitorReadSeq)
  );
}

function isMessage(value: unknown): value is Message {
  if (!isRecord(value) || !isRecord(value.author)) return false;
  const { author } = value;
  return (
    typeof value.id === 'string' &&
    typeof value.conversationId === 'string' &&
    isSeq(value.seq) &&
    value.seq >= 1 &&
    isStringOrNull(value.clientId) &&
    typeof author.type === 'string' &&
    isStringOrNull(author.id) &&
    isStringOrNull(author.name) &&
    typeof value.body === 'string' &&
    typeof value.internal === 'boolean' &&
    typeof value.createdAt === 'string'
  );
}

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}
