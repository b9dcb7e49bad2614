import { ref, watch, type Ref } from 'vue';
import { newClientId } from '../../client/client-id';
import { RequestError } from '../api/request-error';
import { type OutgoingMessage, sendMessage } from '../realtime/agent-actions';
import { connectionState } from '../realtime/connector';
import { useMessagesStore } from '../stores/messages';

interface Reply {
  conversationId: () => string;
  /** The composer's text; emptied once it is sent (unless the agent typed on meanwhile). */
  text: Ref<string>;
  internal: Ref<boolean>;
}

/**
 * Sends the reply composer's text. A failed attempt is kept, and sending the same text again
 * reuses its clientId, so a send that landed after all is never doubled. An attempt refused only
 * because the connection was down goes again by itself once it is back, unless the agent changed
 * the text meanwhile.
 */
export function useReplySender({ conversationId, text, internal }: Reply) {
  const messages = useMessagesStore();
  const sending = ref(false);
  const failure = ref<unknown>(null);
  /** The failure is only that the console was offline: the reply goes once it is online. */
  const waitingForConnection = ref(false);
  let failedAttempt: OutgoingMessage | null = null;

  const isFailedAttempt = (): boolean =>
    failedAttempt?.body === text.value && failedAttempt.internal === internal.value;

  async function send(): Promise<void> {
    if (sending.value) return;
    const body = text.value;
    const attempt: OutgoingMessage =
      failedAttempt && isFailedAttempt()
        ? failedAttempt
        : {
            conversationId: conversationId(),
            // Not crypto.randomUUID: a console opened over plain http from another machine lacks it.
            clientId: newClientId(),
            body,
            internal: internal.value,
          };
    sending.value = true;
    failure.value = null;
    waitingForConnection.value = false;
    try {
      messages.ingest(await sendMessage(attempt));
      failedAttempt = null;
      if (text.value === body) text.value = '';
    } catch (error) {
      failedAttempt = attempt;
      failure.value = error;
      waitingForConnection.value = error instanceof RequestError && error.code === 'offline';
    } finally {
      sending.value = false;
    }
  }

  watch(connectionState, (state) => {
    if (state !== 'online' || !waitingForConnection.value) return;
    waitingForConnection.value = false;
    failure.value = null;
    if (isFailedAttempt()) void send();
  });

  return { sending, failure, waitingForConnection, send };
}
