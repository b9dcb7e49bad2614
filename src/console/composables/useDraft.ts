import { computed, reactive, type WritableComputedRef } from 'vue';
import { useSessionStore } from '../stores/session';

const drafts = reactive(new Map<string, string>());

/**
 * The agent's unsent reply of a conversation: kept while they look at other conversations, and in
 * localStorage so that a reload, an expired session or a sign-out from another tab never loses it
 * (it is back once they sign in again). Keyed by agent, so another agent of this browser does not
 * get it. When storage is blocked, drafts last as long as the page.
 */
export function useDraft(conversationId: () => string): WritableComputedRef<string> {
  const session = useSessionStore();
  const keyOf = (): string => `parley:draft:${session.me?.id ?? ''}:${conversationId()}`;
  return computed({
    get: () => {
      const key = keyOf();
      if (!drafts.has(key)) drafts.set(key, readStored(key));
      return drafts.get(key) ?? '';
    },
    set: (text) => {
      const key = keyOf();
      drafts.set(key, text);
      store(key, text);
    },
  });
}

function readStored(key: string): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

function store(key: string, text: string): void {
  try {
    if (text === '') localStorage.removeItem(key);
    else localStorage.setItem(key, text);
  } catch {
    // Full or blocked storage: the draft still lives in memory.
  }
}
