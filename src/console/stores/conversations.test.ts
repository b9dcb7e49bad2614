import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation, ConversationPage } from '../../protocol/schemas';
import { fetchConversations } from '../api/conversations';
import { RequestError } from '../api/request-error';
import { useConversationsStore } from './conversations';
import { aConversation, aMessage, anAgent } from './test-factories';

vi.mock('../api/conversations', () => ({ fetchConversations: vi.fn() }));
const fetchMock = vi.mocked(fetchConversations);

beforeEach(() => {
  setActivePinia(createPinia());
  fetchMock.mockReset();
});

const ids = (list: readonly { id: string }[]): string[] => list.map((c) => c.id);

describe('conversation upsert and ordering', () => {
  it('lists newest activity first, conversations without messages by creation', () => {
    const store = useConversationsStore();
    store.upsert(aConversation({ id: 'old', lastMessage: lastAt('2025-06-10T09:00:00Z') }));
    store.upsert(aConversation({ id: 'new', lastMessage: lastAt('2025-06-10T11:00:00Z') }));
    store.upsert(aConversation({ id: 'empty', createdAt: '2025-06-10T10:00:00Z' }));

    expect(ids(store.openConversations)).toEqual(['new', 'empty', 'old']);
  });

  it('puts pending with open and moves a conversation between tabs when its status changes', () => {
    const store = useConversationsStore();
    store.upsert(aConversation({ id: 'a', status: 'pending' }));
    store.upsert(aConversation({ id: 'b' }));
    expect(ids(store.openConversations).sort()).toEqual(['a', 'b']);

    store.upsert(aConversation({ id: 'b', status: 'resolved', updatedAt: '2025-06-10T10:05:00Z' }));
    expect(ids(store.openConversations)).toEqual(['a']);
    expect(ids(store.resolvedConversations)).toEqual(['b']);

    // The visitor wrote again: the server reopens it and says so with conversation:updated.
    store.upsert(
      aConversation({ id: 'b', status: 'open', lastSeq: 1, updatedAt: '2025-06-10T10:09:00Z' }),
    );
    expect(ids(store.resolvedConversations)).toEqual([]);
  });

  it('ignores a snapshot older than the one it holds', () => {
    const store = useConversationsStore();
    store.upsert(aConversation({ lastSeq: 5, updatedAt: '2025-06-10T10:05:00Z' }));

    store.upsert(aConversation({ lastSeq: 4, updatedAt: '2025-06-10T10:09:00Z' }));
    expect(store.get('c1')?.lastSeq).toBe(5);

    store.upsert(
      aConversation({ lastSeq: 5, status: 'resolved', updatedAt: '2025-06-10T10:01:00Z' }),
    );
    expect(store.get('c1')?.status).toBe('open');

    store.upsert(
      aConversation({ lastSeq: 5, status: 'resolved', updatedAt: '2025-06-10T10:06:00Z' }),
    );
    expect(store.get('c1')?.status).toBe('resolved');
  });

  it('does not bring back unread messages the agent has already read', () => {
    const store = useConversationsStore();
    store.upsert(aConversation({ lastSeq: 3, unreadCount: 2, agentReadSeq: 1 }));
    store.markReadUpTo('c1', 3);
    expect(store.get('c1')?.unreadCount).toBe(0);

    // A list reply taken just before the read landed.
    store.upsert(aConversation({ lastSeq: 3, unreadCount: 2, agentReadSeq: 1 }));
    expect(store.get('c1')).toMatchObject({ unreadCount: 0, agentReadSeq: 3 });
  });
});

describe('messages counted in their conversation', () => {
  it('counts each new visitor message once and moves the conversation to the top', () => {
    const store = useConversationsStore();
    store.upsert(
      aConversation({ id: 'c1', lastSeq: 1, lastMessage: lastAt('2025-06-10T10:00:01Z') }),
    );
    store.upsert(
      aConversation({ id: 'c2', lastSeq: 1, lastMessage: lastAt('2025-06-10T10:30:00Z') }),
    );

    const message = aMessage(2, { createdAt: '2025-06-10T11:00:00Z', body: 'Still there?' });
    expect(store.applyMessage(message)).toBe(true);
    store.applyMessage(message);

    expect(store.get('c1')).toMatchObject({
      lastSeq: 2,
      unreadCount: 1,
      lastMessage: { body: 'Still there?', authorType: 'visitor' },
    });
    expect(store.totalUnread).toBe(1);
    expect(ids(store.openConversations)).toEqual(['c1', 'c2']);
  });

  it('treats an agent reply as having read everything before it', () => {
    const store = useConversationsStore();
    store.upsert(aConversation({ lastSeq: 2, unreadCount: 2 }));
    store.applyMessage(aMessage(3, { author: anAgent }));
    expect(store.get('c1')).toMatchObject({ unreadCount: 0, agentReadSeq: 3 });
  });

  it('reports a message of a conversation it does not know', () => {
    expect(useConversationsStore().applyMessage(aMessage(1, { conversationId: 'nope' }))).toBe(
      false,
    );
  });
});

describe('replacing a tab with a fetched list', () => {
  it('drops conversations the server no longer lists, but not what a push added meanwhile', () => {
    const store = useConversationsStore();
    store.upsert(aConversation({ id: 'gone' }));
    store.upsert(aConversation({ id: 'kept' }));
    store.upsert(aConversation({ id: 'other-tab', status: 'resolved' }));

    const token = store.listRequestToken();
    store.upsert(aConversation({ id: 'pushed-while-loading' }));
    store.replaceTab('open', page([aConversation({ id: 'kept' })]), token);

    expect(ids(store.openConversations).sort()).toEqual(['kept', 'pushed-while-loading']);
    expect(ids(store.resolvedConversations)).toEqual(['other-tab']);
    expect(store.loadedTabs.open).toBe(true);
  });

  it('keeps the conversation the agent has open', () => {
    const store = useConversationsStore();
    store.upsert(aConversation({ id: 'open-one' }));
    store.selectedId = 'open-one';
    store.replaceTab('open', page([]), store.listRequestToken());
    expect(store.get('open-one')).toBeDefined();
  });
});

describe('a tab longer than one page', () => {
  const at = (minute: number) => `2025-06-10T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const updated = (id: string, minute: number) => aConversation({ id, updatedAt: at(minute) });

  it('pages on with the cursor, and a refreshed first page keeps the older ones', async () => {
    const store = useConversationsStore();
    fetchMock.mockResolvedValueOnce(page([updated('c9', 9), updated('c8', 8)], 'after-c8'));
    await store.loadTab('open');
    expect(store.nextCursors.open).toBe('after-c8');

    fetchMock.mockResolvedValueOnce(page([updated('c7', 7), updated('c6', 6)]));
    await store.loadMore('open');
    expect(fetchMock).toHaveBeenLastCalledWith('open', 'after-c8');
    expect(ids(store.openConversations).sort()).toEqual(['c6', 'c7', 'c8', 'c9']);
    expect(store.nextCursors.open).toBeNull();

    // c9 was resolved elsewhere; the refreshed first page now ends at c7.
    fetchMock.mockResolvedValueOnce(page([updated('c8', 8), updated('c7', 7)], 'after-c7'));
    await store.loadTab('open');
    expect(ids(store.openConversations).sort()).toEqual(['c6', 'c7', 'c8']);
  });

  it('puts a blocked visitor’s conversations in Blocked, whatever their status', () => {
    const store = useConversationsStore();
    store.upsert(
      aConversation({ id: 'spam', visitor: { id: 'v', name: null, email: null, blocked: true } }),
    );
    expect(store.openConversations).toEqual([]);
    store.activeTab = 'blocked';
    expect(ids(store.activeList)).toEqual(['spam']);
  });
});

describe('loading a tab', () => {
  it('keeps where its latest request stands, for the list to show', async () => {
    const store = useConversationsStore();
    const offline = new RequestError('network', 'The server could not be reached');
    fetchMock.mockRejectedValueOnce(offline);

    const failing = store.loadTab('open');
    expect(store.tabLoads.open).toEqual({ loading: true, failure: null });
    await expect(failing).rejects.toBe(offline);
    expect(store.tabLoads.open).toEqual({ loading: false, failure: offline });
    expect(store.loadedTabs.open).toBe(false);

    let answer: (list: ConversationPage) => void = () => {};
    fetchMock.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const retry = store.loadTab('open');
    expect(store.tabLoads.open).toEqual({ loading: true, failure: null });
    answer(page([aConversation()]));
    await retry;
    expect(store.tabLoads.open).toEqual({ loading: false, failure: null });
    expect(store.loadedTabs.open).toBe(true);
    expect(ids(store.openConversations)).toEqual(['c1']);
  });

  it('does not let an earlier request that ends last overwrite the latest one', async () => {
    const store = useConversationsStore();
    let failEarlier: (error: Error) => void = () => {};
    fetchMock.mockImplementationOnce(() => new Promise((_, reject) => (failEarlier = reject)));
    fetchMock.mockResolvedValueOnce(page([]));

    const earlier = store.loadTab('open');
    await store.loadTab('open');
    failEarlier(new RequestError('timeout', 'late'));
    await expect(earlier).rejects.toThrow('late');

    expect(store.tabLoads.open).toEqual({ loading: false, failure: null });
  });

  it('refreshes on each connect the open list, and the resolved one once asked for', async () => {
    const store = useConversationsStore();
    fetchMock.mockResolvedValue(page([]));
    const asked = () => fetchMock.mock.calls.map(([tab]) => tab);

    await store.refreshLoadedTabs();
    expect(asked()).toEqual(['open']);

    // Asked for even though it failed: the reconnect tries it again.
    fetchMock.mockClear();
    fetchMock.mockRejectedValueOnce(new RequestError('internal', 'HTTP 500'));
    await expect(store.loadTab('resolved')).rejects.toThrow();
    await store.refreshLoadedTabs();
    expect(asked()).toEqual(['resolved', 'open', 'resolved']);
    expect(store.loadedTabs.resolved).toBe(true);
  });
});

describe('visitor typing', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('clears by itself when the stop never arrives, and when the visitor sends', () => {
    const store = useConversationsStore();
    store.upsert(aConversation());
    store.setVisitorTyping('c1', true);
    expect(store.visitorTyping.c1).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(store.visitorTyping.c1).toBeUndefined();

    store.setVisitorTyping('c1', true);
    store.applyMessage(aMessage(1));
    expect(store.visitorTyping.c1).toBeUndefined();
  });
});

function page(conversations: Conversation[], nextCursor: string | null = null): ConversationPage {
  return { conversations, nextCursor };
}

function lastAt(createdAt: string) {
  return { body: 'hi', authorType: 'visitor' as const, createdAt };
}
