import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { ErrorCode } from '../../protocol/errors';
import { newClientId } from '../../client/client-id';
import { isRecord } from '../../client/is-record';
import { Outbox, isOutboxItem, type Delivery, type OutboxItem } from '../../client/outbox';
import { retryDelay } from '../../client/retry-delay';
import { openLocalStorage } from '../../client/storage';
import { RequestError, type FailureCode } from '../api/request-error';
import { sendMessage, type ReplyTranslation } from '../realtime/agent-actions';
import { connectionState } from '../realtime/connector';
import { useMessagesStore } from './messages';
import { useSessionStore } from './session';

/** An agent's reply that the server has not acknowledged yet. */
export interface PendingReply extends OutboxItem {
  conversationId: string;
  internal: boolean;
  /** Kept with the reply, so a retry sends the translation the agent saw. */
  translation?: ReplyTranslation;
  translate?: boolean;
}

/** A reply the server refused for good: the composer gives its text back to the agent. */
export interface RefusedReply {
  body: string;
  internal: boolean;
  error: RequestError;
}

/**
 * The outcomes after which the same send may still land: nothing reached the server (offline,
 * network), or it may have been stored without our hearing of it (timeout, internal), or it was
 * too early (rate_limited). The same rules as the widget's outbox, plus the console's own codes.
 */
const RETRYABLE: ReadonlySet<FailureCode> = new Set([
  'offline',
  'network',
  'timeout',
  'rate_limited',
  'internal',
]);

function isPendingReply(value: unknown): value is PendingReply {
  return (
    isOutboxItem(value) &&
    isRecord(value) &&
    typeof value.conversationId === 'string' &&
    typeof value.internal === 'boolean' &&
    (value.translation === undefined || isReplyTranslation(value.translation)) &&
    (value.translate === undefined || typeof value.translate === 'boolean')
  );
}

function isReplyTranslation(value: unknown): value is ReplyTranslation {
  return isRecord(value) && typeof value.language === 'string' && typeof value.body === 'string';
}

/**
 * The console's outbox, on the widget's rules (client/outbox.ts): a reply is stored in this
 * browser before it is sent, goes out in order with the same client id until the server
 * acknowledges or refuses it, and survives a reload or a lost connection; one written while
 * offline waits and goes once the connection is back. Per agent, so another agent signing in
 * on this browser does not send it.
 */
export const useRepliesStore = defineStore('replies', () => {
  const session = useSessionStore();
  const messages = useMessagesStore();
  const pending = ref<PendingReply[]>([]);
  const refused = ref<Record<string, RefusedReply>>({});
  let outbox: Outbox<PendingReply> | null = null;
  let outboxKey = '';
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;

  function box(): Outbox<PendingReply> {
    const key = `parley:replies:${session.me?.id ?? ''}`;
    if (!outbox || key !== outboxKey) {
      outbox = new Outbox(openLocalStorage(), key, deliver, newClientId, isPendingReply);
      outboxKey = key;
    }
    return outbox;
  }

  const refresh = (): void => {
    pending.value = box().items();
  };

  async function deliver(reply: PendingReply): Promise<Delivery> {
    if (connectionState.value !== 'online') return { status: 'deferred' };
    try {
      const message = await sendMessage(reply);
      messages.ingest(message);
      return { status: 'delivered', message };
    } catch (error) {
      const failure =
        error instanceof RequestError ? error : new RequestError('internal', String(error));
      if (RETRYABLE.has(failure.code)) return { status: 'deferred' };
      refused.value[reply.conversationId] = {
        body: reply.body,
        internal: reply.internal,
        error: failure,
      };
      return { status: 'rejected', error: { code: failure.code as ErrorCode, message: '' } };
    }
  }

  /** Sends what waits; when something could not go, tries again later, or once back online. */
  async function flush(): Promise<void> {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    const drained = await box().flush();
    refresh();
    if (drained) {
      attempt = 0;
    } else if (connectionState.value === 'online') {
      retryTimer = setTimeout(() => void flush(), retryDelay(attempt++));
    }
  }

  function send(reply: Omit<PendingReply, 'clientId'>): void {
    delete refused.value[reply.conversationId];
    box().enqueue(reply);
    refresh();
    void flush();
  }

  /** The refused reply of a conversation, handed over once. */
  function takeRefused(conversationId: string): RefusedReply | undefined {
    const reply = refused.value[conversationId];
    delete refused.value[conversationId];
    return reply;
  }

  watch(
    connectionState,
    (state) => {
      if (state !== 'online') return;
      attempt = 0;
      void flush();
    },
    { immediate: true },
  );
  refresh();

  return { pending, refused, send, takeRefused, flush };
});
