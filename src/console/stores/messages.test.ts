import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SYNC_PAGE_SIZE } from '../../protocol/limits';
import type { Conversation, Message, SyncResult } from '../../protocol/schemas';
import { fetchMessagesAfter } from '../api/conversations';
import { useConversationsStore } from './conversations';
import { useMessagesStore } from './messages';
import { aConversation, aMessage, seqs } from './test-factories';

vi.mock('../api/conversations', () => ({ fetchMessagesAfter: vi.fn() }));
const fetchMock = vi.mocked(fetchMessagesAfter);

/** A fake server holding messages 1..lastSeq of conversation c1. */
function serveHistory(lastSeq: number): void {
  fetchMock.mockImplementation(async (_id, afterSeq): Promise<SyncResult<Conversation>> => {
    const after: Message[] = [];
    for (let seq = afterSeq + 1; seq <= lastSeq; seq++) after.push(aMessage(seq));
    return {
      conversation: aConversation({ lastSeq }),
      messages: after.slice(0, SYNC_PAGE_SIZE),
      hasMore: after.length > SYNC_PAGE_SIZE,
    };
  });
}

const range = (from: number, to: number): Message[] =>
  Array.from({ length: to - from + 1 }, (_, i) => aMessage(from + i));

beforeEach(() => {
  setActivePinia(createPinia());
  fetchMock.mockReset();
});

describe('merging messages by seq', () => {
  it('appends the next seq, ignores one it holds, and reports a gap', () => {
    const store = useMessagesStore();
    store.applyNewer('c1', 0, range(1, 3));

    expect(store.receive(aMessage(4))).toBe('appended');
    expect(store.receive(aMessage(4))).toBe('known');
    expect(store.receive(aMessage(2))).toBe('known');
    expect(store.receive(aMessage(6))).toBe('gap');
    expect(seqs(store.thread('c1')?.messages ?? [])).toEqual([1, 2, 3, 4]);
    expect(store.thread('c1')?.topSeq).toBe(4);
  });

  it('does not track conversations that were never opened', () => {
    expect(useMessagesStore().receive(aMessage(1))).toBe('untracked');
  });

  it('merges overlapping and unordered pages into one ascending list without duplicates', () => {
    const store = useMessagesStore();
    store.applyNewer('c1', 0, range(1, 4));
    store.applyNewer('c1', 2, [aMessage(6), aMessage(3), aMessage(5), aMessage(4)]);

    const thread = store.thread('c1');
    expect(seqs(thread?.messages ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(thread?.topSeq).toBe(6);
  });

  it('refuses a page that starts past its top, which would hide a hole', () => {
    const store = useMessagesStore();
    store.applyNewer('c1', 0, range(1, 2));
    store.applyNewer('c1', 5, range(6, 7));
    expect(seqs(store.thread('c1')?.messages ?? [])).toEqual([1, 2]);
    expect(store.thread('c1')?.topSeq).toBe(2);
  });

  it('takes older pages only below its window', () => {
    const store = useMessagesStore();
    store.applyNewer('c1', 10, range(11, 12));
    store.applyOlder('c1', 5, range(6, 13));

    const thread = store.thread('c1');
    expect(seqs(thread?.messages ?? [])).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(thread).toMatchObject({ fromSeq: 5, topSeq: 12 });
  });
});

describe('syncing with the server', () => {
  it('opens a long conversation at its latest page, then loads older pages on demand', async () => {
    const lastSeq = SYNC_PAGE_SIZE + 50;
    serveHistory(lastSeq);
    useConversationsStore().upsert(aConversation({ lastSeq }));
    const store = useMessagesStore();

    await store.open('c1');
    expect(fetchMock).toHaveBeenCalledWith('c1', 50);
    expect(store.thread('c1')).toMatchObject({ fromSeq: 50, topSeq: lastSeq });

    await store.loadOlder('c1');
    const thread = store.thread('c1');
    expect(thread?.fromSeq).toBe(0);
    expect(seqs(thread?.messages ?? [])).toEqual(range(1, lastSeq).map((m) => m.seq));
  });

  it('follows hasMore until it has everything', async () => {
    serveHistory(0);
    const store = useMessagesStore();
    await store.open('c1');
    fetchMock.mockClear();
    serveHistory(2 * SYNC_PAGE_SIZE + 1);

    await store.open('c1');

    expect(fetchMock.mock.calls.map(([, afterSeq]) => afterSeq)).toEqual([
      0,
      SYNC_PAGE_SIZE,
      2 * SYNC_PAGE_SIZE,
    ]);
    expect(store.thread('c1')?.messages).toHaveLength(2 * SYNC_PAGE_SIZE + 1);
    expect(useConversationsStore().get('c1')?.lastSeq).toBe(2 * SYNC_PAGE_SIZE + 1);
  });

  it('opens at the latest page a long conversation the list does not have yet', async () => {
    const lastSeq = 3 * SYNC_PAGE_SIZE + 50;
    serveHistory(lastSeq);
    const store = useMessagesStore();

    await store.open('c1');

    // The first reply tells lastSeq: one page is wasted, not the whole history loaded.
    expect(fetchMock.mock.calls.map(([, afterSeq]) => afterSeq)).toEqual([
      0,
      lastSeq - SYNC_PAGE_SIZE,
    ]);
    const thread = store.thread('c1');
    expect(thread).toMatchObject({ fromSeq: lastSeq - SYNC_PAGE_SIZE, topSeq: lastSeq });
    expect(seqs(thread?.messages ?? [])).toEqual(
      range(lastSeq - SYNC_PAGE_SIZE + 1, lastSeq).map((m) => m.seq),
    );
    expect(useConversationsStore().get('c1')?.lastSeq).toBe(lastSeq);

    await store.loadOlder('c1');
    expect(store.thread('c1')?.fromSeq).toBe(lastSeq - 2 * SYNC_PAGE_SIZE);
  });

  it('starts over at the latest page only once, however fast the conversation grows', async () => {
    let lastSeq = 3 * SYNC_PAGE_SIZE;
    fetchMock.mockImplementation(async (_id, afterSeq): Promise<SyncResult<Conversation>> => {
      lastSeq += 1;
      const after = range(afterSeq + 1, lastSeq);
      return {
        conversation: aConversation({ lastSeq }),
        messages: after.slice(0, SYNC_PAGE_SIZE),
        hasMore: after.length > SYNC_PAGE_SIZE,
      };
    });
    const store = useMessagesStore();

    await store.open('c1');

    const jumpedTo = 3 * SYNC_PAGE_SIZE + 1 - SYNC_PAGE_SIZE;
    expect(fetchMock.mock.calls.map(([, afterSeq]) => afterSeq)).toEqual([
      0,
      jumpedTo,
      jumpedTo + SYNC_PAGE_SIZE,
    ]);
    expect(store.thread('c1')).toMatchObject({ fromSeq: jumpedTo, topSeq: lastSeq });
  });

  it('fills a gap from its last seq when a pushed message skips ahead', async () => {
    serveHistory(3);
    const store = useMessagesStore();
    await store.open('c1');

    serveHistory(7);
    store.ingest(aMessage(7));
    await vi.waitFor(() => expect(store.thread('c1')?.topSeq).toBe(7));

    expect(fetchMock).toHaveBeenLastCalledWith('c1', 3);
    expect(seqs(store.thread('c1')?.messages ?? [])).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs one sync at a time per conversation, and once more if asked meanwhile', async () => {
    serveHistory(2);
    const store = useMessagesStore();
    await store.open('c1');
    fetchMock.mockClear();

    serveHistory(4);
    const first = store.syncNewer('c1');
    const second = store.syncNewer('c1');
    const third = store.syncNewer('c1');
    await Promise.all([first, second, third]);

    expect(fetchMock.mock.calls.map(([, afterSeq]) => afterSeq)).toEqual([2, 4]);
    expect(store.thread('c1')?.topSeq).toBe(4);
  });

  it('fetches again when a push lands while the first page is on its way', async () => {
    let answerFirstPage: (result: SyncResult<Conversation>) => void = () => {};
    fetchMock.mockImplementationOnce(() => new Promise((resolve) => (answerFirstPage = resolve)));
    const store = useMessagesStore();
    const opening = store.open('c1');

    store.ingest(aMessage(3));
    serveHistory(3);
    answerFirstPage({
      conversation: aConversation({ lastSeq: 2 }),
      messages: range(1, 2),
      hasMore: false,
    });
    await opening;

    expect(fetchMock.mock.calls.map(([, afterSeq]) => afterSeq)).toEqual([0, 2]);
    expect(seqs(store.thread('c1')?.messages ?? [])).toEqual([1, 2, 3]);
  });

  it('catches up after a reconnect only what it holds or is loading', async () => {
    serveHistory(2);
    const store = useMessagesStore();
    await store.catchUp('never-opened');
    expect(fetchMock).not.toHaveBeenCalled();

    await store.open('c1');
    serveHistory(5);
    await store.catchUp('c1');
    expect(store.thread('c1')?.topSeq).toBe(5);
  });

  it('fetches again from a message whose translation was pending when the connection dropped', async () => {
    serveHistory(3);
    const store = useMessagesStore();
    await store.open('c1');
    store.applyTranslation({
      conversationId: 'c1',
      messageId: 'm2',
      seq: 2,
      translation: { language: 'en', status: 'pending', body: null },
    });
    // While away, the translation was done; the server's copy has it.
    fetchMock.mockImplementation(async (_id, afterSeq) => ({
      conversation: aConversation({ lastSeq: 3 }),
      messages: range(afterSeq + 1, 3).map((m) =>
        m.seq === 2 ? { ...m, translations: [{ language: 'en', status: 'done', body: 'Hi' }] } : m,
      ),
      hasMore: false,
    }));
    fetchMock.mockClear();

    await store.catchUp('c1');

    expect(fetchMock.mock.calls.map(([, afterSeq]) => afterSeq)).toEqual([3, 1]);
    expect(store.thread('c1')?.messages[1]?.translations).toEqual([
      { language: 'en', status: 'done', body: 'Hi' },
    ]);
  });
});

describe('translations', () => {
  const translated = (seq: number, body: string | null, status: 'pending' | 'done' = 'done') => ({
    conversationId: 'c1',
    messageId: `m${seq}`,
    seq,
    translation: { language: 'en', status, body },
  });

  it('a pushed translation reaches the message it is for', () => {
    const store = useMessagesStore();
    store.applyNewer('c1', 0, range(1, 2));
    store.applyTranslation(translated(2, null, 'pending'));
    store.applyTranslation(translated(2, 'Hello'));
    store.applyTranslation(translated(5, 'Not held'));

    const [first, second] = store.thread('c1')?.messages ?? [];
    expect(first?.translations).toEqual([]);
    expect(second).toMatchObject({
      body: 'message 2',
      translations: [{ language: 'en', status: 'done', body: 'Hello' }],
    });
  });

  it('a fetched copy brings the translations done since ours was loaded', () => {
    const store = useMessagesStore();
    store.applyNewer('c1', 0, range(1, 2));
    const fetched = {
      ...aMessage(2),
      body: 'changed?',
      translations: [{ language: 'en', status: 'done', body: 'Hello' }],
    } as Message;
    store.applyNewer('c1', 1, [fetched]);

    expect(store.thread('c1')?.messages[1]).toMatchObject({
      body: 'message 2',
      translations: [{ language: 'en', status: 'done', body: 'Hello' }],
    });
  });
});
