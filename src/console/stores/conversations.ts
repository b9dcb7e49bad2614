import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Conversation, ConversationPage, Message } from '../../protocol/schemas';
import { type ConversationTab, fetchConversations } from '../api/conversations';
import {
  byNewestActivity,
  mergeConversation,
  sortsUpTo,
  tabOf,
  withMessage,
  withReadUpTo,
} from './conversation-merge';

/** How long a visitor's "typing" lasts without news, in case the "stopped" push never comes. */
const VISITOR_TYPING_TIMEOUT_MS = 8_000;

export const TABS: readonly ConversationTab[] = ['open', 'resolved', 'blocked'];

const perTab = <T>(value: () => T): Record<ConversationTab, T> => ({
  open: value(),
  resolved: value(),
  blocked: value(),
});

/** The latest list request of a tab, for the list to show: still on its way, or why it failed. */
export interface TabLoad {
  loading: boolean;
  failure: unknown;
}

export const useConversationsStore = defineStore('conversations', () => {
  const byId = ref<Record<string, Conversation>>({});
  const loadedTabs = ref(perTab(() => false));
  const tabLoads = ref(perTab<TabLoad>(() => ({ loading: false, failure: null })));
  /** Where each tab's next page starts; null once the whole list is here. */
  const nextCursors = ref(perTab<string | null>(() => null));
  const loadingMore = ref(perTab(() => false));
  const activeTab = ref<ConversationTab>('open');
  const selectedId = ref<string | null>(null);
  const visitorTyping = ref<Record<string, boolean>>({});

  // A list reply must not delete what a push added while the list was on its way: each write
  // gets a number, and a list removes only entries written before it was asked for.
  let writeCount = 0;
  const writtenAt = new Map<string, number>();
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const tabRequests = perTab(() => 0);

  const newestFirst = computed(() => Object.values(byId.value).sort(byNewestActivity));
  const byTab = computed(() => {
    const lists = perTab<Conversation[]>(() => []);
    for (const c of newestFirst.value) lists[tabOf(c)].push(c);
    return lists;
  });
  const openConversations = computed(() => byTab.value.open);
  const resolvedConversations = computed(() => byTab.value.resolved);
  const activeList = computed(() => byTab.value[activeTab.value]);
  const totalUnread = computed(() =>
    openConversations.value.reduce((sum, c) => sum + c.unreadCount, 0),
  );

  function get(id: string): Conversation | undefined {
    return byId.value[id];
  }

  function write(conversation: Conversation): void {
    byId.value[conversation.id] = conversation;
    writtenAt.set(conversation.id, ++writeCount);
  }

  function upsert(incoming: Conversation): void {
    const current = byId.value[incoming.id];
    write(current ? mergeConversation(current, incoming) : incoming);
  }

  /** Counts a new message in its conversation; false when the conversation is not known here. */
  function applyMessage(message: Message): boolean {
    const current = byId.value[message.conversationId];
    if (!current) return false;
    if (message.author.type === 'visitor') setVisitorTyping(message.conversationId, false);
    const next = withMessage(current, message);
    if (next !== current) write(next);
    return true;
  }

  /** A conversation left this agent's sight (a colleague took it); the open one stays. */
  function forget(id: string): void {
    if (id === selectedId.value) return;
    delete byId.value[id];
    writtenAt.delete(id);
  }

  function markReadUpTo(id: string, seq: number): void {
    const current = byId.value[id];
    if (current) write(withReadUpTo(current, seq));
  }

  /** A token to pass to replaceTab with the reply of a list request made after taking it. */
  function listRequestToken(): number {
    return writeCount;
  }

  /**
   * A tab's first page, fresh from the server: what we hold of the tab within the page's range
   * and not listed there is gone (unless a push wrote it meanwhile, or it is the one open).
   * Older conversations stay: the next pages will tell.
   */
  function replaceTab(tab: ConversationTab, page: ConversationPage, token: number): void {
    const listed = new Set(page.conversations.map((c) => c.id));
    const last = page.conversations.at(-1);
    for (const c of Object.values(byId.value)) {
      const writtenSince = (writtenAt.get(c.id) ?? 0) > token;
      const covered = page.nextCursor === null || (last !== undefined && sortsUpTo(c, last));
      if (
        tabOf(c) === tab &&
        covered &&
        !listed.has(c.id) &&
        !writtenSince &&
        c.id !== selectedId.value
      ) {
        delete byId.value[c.id];
        writtenAt.delete(c.id);
      }
    }
    page.conversations.forEach(upsert);
    nextCursors.value[tab] = page.nextCursor;
    loadedTabs.value[tab] = true;
  }

  async function loadTab(tab: ConversationTab): Promise<void> {
    const request = ++tabRequests[tab];
    const token = listRequestToken();
    tabLoads.value[tab] = { loading: true, failure: null };
    try {
      replaceTab(tab, await fetchConversations(tab), token);
      if (request === tabRequests[tab]) tabLoads.value[tab] = { loading: false, failure: null };
    } catch (error) {
      if (request === tabRequests[tab]) tabLoads.value[tab] = { loading: false, failure: error };
      throw error;
    }
  }

  /** The tab's next page, appended; nothing to do once the whole list is here. */
  async function loadMore(tab: ConversationTab): Promise<void> {
    const cursor = nextCursors.value[tab];
    if (cursor === null || loadingMore.value[tab]) return;
    loadingMore.value[tab] = true;
    try {
      const page = await fetchConversations(tab, cursor);
      page.conversations.forEach(upsert);
      // A refresh of the first page meanwhile starts the paging over; keep its cursor.
      if (nextCursors.value[tab] === cursor) nextCursors.value[tab] = page.nextCursor;
    } finally {
      loadingMore.value[tab] = false;
    }
  }

  /**
   * After each (re)connect, the first included: the open list always (new chats land there),
   * another once asked for. A list fetched before the socket joined could miss a push.
   */
  async function refreshLoadedTabs(): Promise<void> {
    const tabs = TABS.filter((tab) => tab === 'open' || tabRequests[tab] > 0);
    await Promise.all(tabs.map(loadTab));
  }

  function setVisitorTyping(id: string, typing: boolean): void {
    clearTimeout(typingTimers.get(id));
    typingTimers.delete(id);
    if (!typing) {
      delete visitorTyping.value[id];
      return;
    }
    visitorTyping.value[id] = true;
    typingTimers.set(
      id,
      setTimeout(() => setVisitorTyping(id, false), VISITOR_TYPING_TIMEOUT_MS),
    );
  }

  return {
    byId,
    loadedTabs,
    tabLoads,
    nextCursors,
    loadingMore,
    activeTab,
    selectedId,
    visitorTyping,
    openConversations,
    resolvedConversations,
    activeList,
    totalUnread,
    get,
    upsert,
    applyMessage,
    markReadUpTo,
    forget,
    listRequestToken,
    replaceTab,
    loadTab,
    loadMore,
    refreshLoadedTabs,
    setVisitorTyping,
  };
});
