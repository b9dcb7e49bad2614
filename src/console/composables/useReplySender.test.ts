import { createPinia, setActivePinia } from 'pinia';
import { effectScope, nextTick, ref, type EffectScope, type Ref } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestError } from '../api/request-error';
import { sendMessage, type OutgoingMessage } from '../realtime/agent-actions';
import { connectionState } from '../realtime/connector';
import { aMessage } from '../stores/test-factories';
import { useReplySender } from './useReplySender';

vi.mock('../realtime/agent-actions', () => ({ sendMessage: vi.fn() }));
vi.mock('../realtime/connector', async () => {
  const { ref: vueRef } = await import('vue');
  return { connectionState: vueRef('online') };
});
const sendMock = vi.mocked(sendMessage);
const state = connectionState as unknown as Ref<typeof connectionState.value>;

const offline = new RequestError('offline', 'Not connected to the server');

describe('useReplySender', () => {
  let scope: EffectScope;
  const text = ref('');
  const internal = ref(false);

  function start() {
    scope = effectScope();
    const sender = scope.run(() => useReplySender({ conversationId: () => 'c1', text, internal }));
    if (!sender) throw new Error('no sender');
    return sender;
  }

  const clientIds = (): string[] =>
    sendMock.mock.calls.map(([outgoing]: [OutgoingMessage]) => outgoing.clientId);

  async function connectionReturns(): Promise<void> {
    state.value = 'offline';
    await nextTick();
    state.value = 'online';
    await nextTick();
  }

  beforeEach(() => {
    setActivePinia(createPinia());
    sendMock.mockReset();
    state.value = 'offline';
    text.value = 'On its way';
    internal.value = false;
  });

  afterEach(() => scope.stop());

  it('sends a reply refused while offline once the connection is back, with its client id', async () => {
    sendMock.mockRejectedValueOnce(offline).mockResolvedValueOnce(aMessage(1));
    const sender = start();
    await sender.send();
    expect(sender.waitingForConnection.value).toBe(true);

    await connectionReturns();
    await vi.waitFor(() => expect(text.value).toBe(''));
    expect(sender.failure.value).toBeNull();
    expect(sender.waitingForConnection.value).toBe(false);
    const [refused, resent] = clientIds();
    expect(resent).toBe(refused);
    expect(clientIds()).toHaveLength(2);
  });

  it('does not send it by itself when the agent changed the text, but drops the notice', async () => {
    sendMock.mockRejectedValueOnce(offline);
    const sender = start();
    await sender.send();
    text.value = 'On its way, I am checking';

    await connectionReturns();
    expect(sendMock).toHaveBeenCalledTimes(1);
    expect(sender.failure.value).toBeNull();
    expect(text.value).toBe('On its way, I am checking');
  });

  it('sends it once when the agent presses Send as the connection returns', async () => {
    let deliver: (message: ReturnType<typeof aMessage>) => void = () => undefined;
    sendMock
      .mockRejectedValueOnce(offline)
      .mockReturnValueOnce(new Promise((resolve) => (deliver = resolve)));
    const sender = start();
    await sender.send();

    await connectionReturns();
    await sender.send();
    deliver(aMessage(1));
    await vi.waitFor(() => expect(text.value).toBe(''));
    expect(sendMock).toHaveBeenCalledTimes(2);
  });

  it('leaves a reply that failed for another reason to the agent', async () => {
    sendMock.mockRejectedValueOnce(new RequestError('message_too_long', 'too long'));
    const sender = start();
    await sender.send();
    expect(sender.waitingForConnection.value).toBe(false);

    await connectionReturns();
    expect(sendMock).toHaveBeenCalledTimes(1);
    expect(sender.failure.value).toBeInstanceOf(RequestError);
  });
});
