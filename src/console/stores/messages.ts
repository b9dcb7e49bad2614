import { defineStore } from 'pinia';
import { ref } from 'vue';
import { SYNC_PAGE_SIZE } from '../../protocol/limits';
import type { Message } from '../../protocol/schemas';
import { oldestPendingSeq, withTranslation, type TranslatedEvent } from '../../client/translations';
import { fetchMessagesAfter } from '../api/conversations';
import { reportBackgroundFailure } from '../report';
import { useConversationsStore } from './conversations';
import { mergeBySeq } from './message-merge';

/**
 * The loaded part of one conversation's history: every message with
 * fromSeq < seq <= topSeq, ascending by seq. fromSeq 0 means the history is complete.
 */
export interface Thread {
  messages: Message[];
  fromSeq: number;
  topSeq: number;
}

export type ReceiveOutcome = 'appended' | 'known' | 'gap' | 'untracked';

export const useMessagesStore = defineStore('messages', () => {
  const threads = ref<Record<string, Thread>>({});
  const syncs = new Map<string, Promise<void>>();
  const syncAgain = new Set<string>();

  function thread(conversationId: string): Thread | undefined {
    return threads.value[conversationId];
  }

  /**
   * A pushed or acknowledged message. The next seq is appended; one we hold is ignored; one
   * past a gap is left for a sync from topSeq, which fetches it together with what was missed.
   */
  function receive(message: Message): ReceiveOutcome {
    const current = threads.value[message.conversationId];
    if (!current) return 'untracked';
    if (message.seq <= current.topSeq) return 'known';
    if (message.seq !== current.topSeq + 1) return 'gap';
    current.messages.push(message);
    current.topSeq = message.seq;
    return 'appended';
  }

  /**
   * A message from a push or an ack: counted in its conversation, added to its thread. One that
   * arrives while the thread's first page is on its way may be missing from that page: the
   * running sync then goes once more.
   */
  function ingest(message: Message): void {
    useConversationsStore().applyMessage(message);
    const outcome = receive(message);
    if (outcome === 'gap' || (outcome === 'untracked' && syncs.has(message.conversationId))) {
      syncNewer(message.conversationId).catch(reportBackgroundFailure);
    }
  }

  /**
   * After a reconnect: catches up a thread we hold or are loading; others load when opened. A
   * translation finished while we were away was pushed to nobody: the page from the oldest
   * message still waiting for one is fetched again, so its mark does not stay "Translating…".
   */
  async function catchUp(conversationId: string): Promise<void> {
    if (!threads.value[conversationId] && !syncs.has(conversationId)) return;
    const pending = oldestPendingSeq(threads.value[conversationId]?.messages ?? []);
    await syncNewer(conversationId);
    if (pending === null) return;
    const result = await fetchMessagesAfter(conversationId, pending - 1);
    applyNewer(conversationId, pending - 1, result.messages);
  }

  /** A page fetched with `afterSeq`: the messages after it, ascending, possibly overlapping ours. */
  function applyNewer(conversationId: string, afterSeq: number, page: readonly Message[]): void {
    const reached = page.reduce((top, m) => Math.max(top, m.seq), afterSeq);
    const current = threads.value[conversationId];
    if (!current) {
      threads.value[conversationId] = {
        messages: mergeBySeq([], page),
        fromSeq: afterSeq,
        topSeq: reached,
      };
      return;
    }
    // A page starting past our top would leave a hole we could not see; the next sync refills it.
    if (afterSeq > current.topSeq) return;
    current.messages = mergeBySeq(current.messages, page);
    current.topSeq = Math.max(current.topSeq, reached);
  }

  /** A page fetched with `afterSeq` below fromSeq: only what lies under our window is taken. */
  function applyOlder(conversationId: string, afterSeq: number, page: readonly Message[]): void {
    const current = threads.value[conversationId];
    if (!current || afterSeq >= current.fromSeq) return;
    const below = page.filter((m) => m.seq <= current.fromSeq);
    current.messages = mergeBySeq(below, current.messages);
    current.fromSeq = afterSeq;
  }

  /**
   * Opens a conversation: a thread we hold catches up from its top; a new one starts with the
   * latest page so long histories do not load all at once. The list's lastSeq is a first guess;
   * when the list does not have the conversation yet (a page reload, a link), the first reply
   * tells (see pullNewer).
   */
  function open(conversationId: string): Promise<void> {
    if (threads.value[conversationId]) return syncNewer(conversationId);
    const lastSeq = useConversationsStore().get(conversationId)?.lastSeq ?? 0;
    return syncNewer(conversationId, Math.max(0, lastSeq - SYNC_PAGE_SIZE));
  }

  /** Fetches everything after topSeq, page by page; concurrent calls share one run plus one rerun. */
  function syncNewer(conversationId: string, startSeq = 0): Promise<void> {
    const running = syncs.get(conversationId);
    if (running) {
      syncAgain.add(conversationId);
      return running;
    }
    const run = (async () => {
      try {
        do {
          syncAgain.delete(conversationId);
          await pullNewer(conversationId, startSeq);
        } while (syncAgain.has(conversationId));
      } finally {
        syncs.delete(conversationId);
      }
    })();
    syncs.set(conversationId, run);
    return run;
  }

  async function pullNewer(conversationId: string, startSeq: number): Promise<void> {
    const conversations = useConversationsStore();
    let firstSeq = startSeq;
    let jumped = false;
    let hasMore = true;
    while (hasMore) {
      const afterSeq = threads.value[conversationId]?.topSeq ?? firstSeq;
      const result = await fetchMessagesAfter(conversationId, afterSeq);
      if (result.conversation) conversations.upsert(result.conversation);
      // A new thread that started below the latest page (its lastSeq was not known) starts over
      // there instead of loading the whole history: older pages load on demand (loadOlder). Only
      // once, so a busy conversation costs one page more at most.
      const latestPage = (result.conversation?.lastSeq ?? 0) - SYNC_PAGE_SIZE;
      if (!jumped && !threads.value[conversationId] && latestPage > afterSeq) {
        jumped = true;
        firstSeq = latestPage;
        continue;
      }
      applyNewer(conversationId, afterSeq, result.messages);
      hasMore = result.hasMore && result.messages.length > 0;
    }
  }

  /**
   * A translation was queued, done or failed: the message we hold takes it. One we do not hold
   * yet brings its translations along when it is fetched.
   */
  function applyTranslation(event: TranslatedEvent): void {
    const current = threads.value[event.conversationId];
    if (!current) return;
    const index = current.messages.findIndex((m) => m.seq === event.seq);
    const message = current.messages[index];
    if (!message || message.id !== event.messageId) return;
    const updated = withTranslation(message, event.translation);
    if (updated !== message) current.messages[index] = updated;
  }

  /** Loads the page before fromSeq. One page always covers it: it spans at most a page of seqs. */
  async function loadOlder(conversationId: string): Promise<void> {
    const fromSeq = threads.value[conversationId]?.fromSeq ?? 0;
    if (fromSeq === 0) return;
    const afterSeq = Math.max(0, fromSeq - SYNC_PAGE_SIZE);
    const result = await fetchMessagesAfter(conversationId, afterSeq);
    applyOlder(conversationId, afterSeq, result.messages);
  }

  return {
    threads,
    thread,
    receive,
    ingest,
    catchUp,
    applyNewer,
    applyOlder,
    open,
    syncNewer,
    loadOlder,
    applyTranslation,
  };
});
