import { createPinia, setActivePinia } from 'pinia';
import { nextTick, type Ref } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../../client/storage';
import { RequestError } from '../api/request-error';
import { sendMessage, type OutgoingMessage } from '../realtime/agent-actions';
import { connectionState } from '../realtime/connector';
import { useRepliesStore } from './replies';
import { useSessionStore } from './session';
import { aMessage } from './test-factories';

vi.mock('../realtime/agent-actions', () => ({ sendMessage: vi.fn() }));
vi.mock('../realtime/connector', async () => {
  const { ref: vueRef } = await import('vue');
  return { connectionState: vueRef('online') };
});
vi.mock('../api/auth', () => ({}));
const sendMock = vi.mocked(sendMessage);
const state = connectionState as unknown as Ref<typeof connectionState.value>;

const offline = new RequestError('offline', 'Not connected to the server');

/** The console page that is open: a reload or another sign-in ends it first. */
let page: ReturnType<typeof useRepliesStore> | undefined;

/** A fresh page of the console, on the browser's (shared) localStorage. */
function openConsole(agentId = 'agent-1') {
  page?.$dispose();
  setActivePinia(createPinia());
  useSessionStore().me = {
    id: agentId,
    orgId: 'o1',
    email: 'a@shop.test',
    name: 'Ana',
    role: 'agent',
  };
  page = useRepliesStore();
  return page;
}

const sentClientIds = (): string[] =>
  sendMock.mock.calls.map(([outgoing]: [OutgoingMessage]) => outgoing.clientId);

async function connectionReturns(): Promise<void> {
  state.value = 'online';
  await nextTick();
}

describe('the console outbox', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', createMemoryStorage());
    sendMock.mockReset();
    state.value = 'offline';
  });

  afterEach(() => {
    page?.$dispose();
    page = undefined;
    vi.unstubAllGlobals();
  });

  it('keeps replies written offline, in order, and sends them once the connection is back', async () => {
    sendMock.mockImplementation(async (reply) =>
      aMessage(sendMock.mock.calls.length, { clientId: reply.clientId, body: reply.body }),
    );
    const replies = openConsole();
    replies.send({ conversationId: 'c1', body: 'First', internal: false });
    replies.send({ conversationId: 'c1', body: 'Second', internal: false });
    await vi.waitFor(() => expect(replies.pending.map((r) => r.body)).toEqual(['First', 'Second']));
    expect(sendMock).not.toHaveBeenCalled();

    await connectionReturns();
    await vi.waitFor(() => expect(replies.pending).toEqual([]));
    expect(sendMock.mock.calls.map(([reply]) => reply.body)).toEqual(['First', 'Second']);
  });

  it('still has them after a reload, and sends them with the client ids they were given', async () => {
    const before = openConsole();
    before.send({ conversationId: 'c1', body: 'Written offline', internal: true });
    const [queued] = before.pending;

    sendMock.mockResolvedValue(aMessage(1));
    const after = openConsole();
    expect(after.pending).toEqual([queued]);
    await connectionReturns();
    await vi.waitFor(() => expect(after.pending).toEqual([]));
    expect(sentClientIds()).toEqual([queued?.clientId]);
    expect(sendMock.mock.calls[0]?.[0]).toMatchObject({ internal: true, conversationId: 'c1' });
  });

  it('sends a reply again, with the same client id, when the connection dropped before the ack', async () => {
    state.value = 'online';
    sendMock.mockRejectedValueOnce(offline).mockResolvedValueOnce(aMessage(1));
    const replies = openConsole();
    replies.send({ conversationId: 'c1', body: 'Lost ack', internal: false });
    await vi.waitFor(() => expect(sendMock).toHaveBeenCalledTimes(1));
    state.value = 'offline';
    await nextTick();

    await connectionReturns();
    await vi.waitFor(() => expect(replies.pending).toEqual([]));
    const [first, again] = sentClientIds();
    expect(again).toBe(first);
  });

  it('keeps the previewed translation with a reply through a reload and a retry', async () => {
    const before = openConsole();
    before.send({
      conversationId: 'c1',
      body: 'Your order ships today',
      internal: false,
      translation: { language: 'es', body: 'Su pedido sale hoy' },
    });
    before.send({ conversationId: 'c1', body: 'Thanks', internal: false, translate: true });

    sendMock.mockRejectedValueOnce(offline).mockResolvedValue(aMessage(1));
    const after = openConsole();
    await connectionReturns();
    await vi.waitFor(() => expect(after.pending).toEqual([]));
    const sent = sendMock.mock.calls.map(([reply]) => reply);
    expect(sent.map((reply) => [reply.body, reply.translation, reply.translate])).toEqual([
      ['Your order ships today', { language: 'es', body: 'Su pedido sale hoy' }, undefined],
      ['Your order ships today', { language: 'es', body: 'Su pedido sale hoy' }, undefined],
      ['Thanks', undefined, true],
    ]);
  });

  it('gives a reply the server refused for good back, once, and does not send it again', async () => {
    state.value = 'online';
    sendMock.mockRejectedValueOnce(new RequestError('message_too_long', 'too long'));
    const replies = openConsole();
    replies.send({ conversationId: 'c1', body: 'Far too long', internal: false });
    await vi.waitFor(() => expect(replies.refused.c1?.error.code).toBe('message_too_long'));
    expect(replies.pending).toEqual([]);
    expect(replies.takeRefused('c1')?.body).toBe('Far too long');
    expect(replies.takeRefused('c1')).toBeUndefined();

    await connectionReturns();
    expect(sendMock).toHaveBeenCalledTimes(1);
  });

  it("does not send another agent's replies left in this browser", async () => {
    openConsole('agent-1').send({ conversationId: 'c1', body: 'Mine', internal: false });
    const other = openConsole('agent-2');
    expect(other.pending).toEqual([]);
    await connectionReturns();
    expect(sendMock).not.toHaveBeenCalled();
  });
});
