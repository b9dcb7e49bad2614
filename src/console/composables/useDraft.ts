import { computed, reactive, type WritableComputedRef } from 'vue';

const drafts = reactive(new Map<string, string>());

/** The unsent reply of a conversation, kept while the agent looks at other conversations. */
export function useDraft(conversationId: () => string): WritableComputedRef<string> {
  return computed({
    get: () => drafts.get(conversationId()) ?? '',
    set: (text) => {
      if (text === '') drafts.delete(conversationId());
      else drafts.set(conversationId(), text);
    },
  });
}
