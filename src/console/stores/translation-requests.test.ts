import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../protocol/schemas';
import { requestTranslations } from '../api/translation';
import { RequestError } from '../api/request-error';
import { useMessagesStore } from './messages';
import { useConversationsStore } from './conversations';
import { aConversation, aMessage } from './test-factories';
import { useTranslationRequestsStore } from './translation-requests';

vi.mock('../api/conversations', () => ({ fetchMessagesAfter: vi.fn() }));
vi.mock('../api/translation', () => ({ requestTranslations: vi.fn() }));
const requestMock = vi.mocked(requestTranslations);

const spanish = (seq: number, overrides: Partial<Message> = {}): Message =>
  ({ ...aMessage(seq), language: 'es', translations: [], ...overrides }) as Message;

beforeEach(() => {
  setActivePinia(createPinia());
  requestMock.mockReset();
  requestMock.mockResolvedValue({ queued: 1 });
});

describe('asking for translations into the agent’s language', () => {
  it('asks once when the conversation opens, and again only for a later message lacking one', () => {
    const messages = useMessagesStore();
    const requests = useTranslationRequestsStore();
    messages.applyNewer('c1', 0, [spanish(1), spanish(2)]);

    requests.requestMissing('c1', 'en');
    requests.requestMissing('c1', 'en');
    expect(requestMock.mock.calls).toEqual([['c1', 'en']]);

    messages.receive(spanish(3));
    requests.requestMissing('c1', 'en');
    expect(requestMock).toHaveBeenCalledTimes(2);
  });

  it('does not ask when every message is in the agent’s language, translated, or a note', () => {
    const messages = useMessagesStore();
    messages.applyNewer('c1', 0, [
      spanish(1, { language: 'en' } as never),
      spanish(2, { translations: [{ language: 'en', status: 'pending', body: null }] } as never),
      spanish(3, { internal: true }),
      spanish(4, { language: null, author: { type: 'agent', id: 'a1', name: 'Ana' } } as never),
    ]);
    useTranslationRequestsStore().requestMissing('c1', 'en-US');
    expect(requestMock).not.toHaveBeenCalled();
  });

  it('takes a visitor’s message of unknown language to be in the conversation’s', () => {
    useConversationsStore().upsert(aConversation({ language: 'es' }));
    useMessagesStore().applyNewer('c1', 0, [aMessage(1)]);
    useTranslationRequestsStore().requestMissing('c1', 'zh-Hans');
    expect(requestMock.mock.calls).toEqual([['c1', 'zh-Hans']]);
  });

  it('asks again after a failure it may recover from, not after "not configured"', async () => {
    const messages = useMessagesStore();
    const requests = useTranslationRequestsStore();
    messages.applyNewer('c1', 0, [spanish(1)]);
    vi.spyOn(console, 'error').mockImplementation(() => {});

    requestMock.mockRejectedValueOnce(new RequestError('network', 'down'));
    requests.requestMissing('c1', 'en');
    await vi.waitFor(() => expect(console.error).toHaveBeenCalled());
    requestMock.mockRejectedValueOnce({ code: 'translation_not_configured' });
    requests.requestMissing('c1', 'en');
    await new Promise((settled) => setTimeout(settled, 0));
    requests.requestMissing('c1', 'en');
    expect(requestMock).toHaveBeenCalledTimes(2);
  });
});
