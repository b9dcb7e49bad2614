import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';
import { isBlankText } from '../../protocol/limits';
import { previewTranslation } from '../api/translation';
import type { ReplyTranslation } from '../realtime/agent-actions';

/** The agent pauses this long before the draft is translated: not a request per keystroke. */
export const PREVIEW_DELAY_MS = 500;

export type PreviewState = 'idle' | 'loading' | 'ready' | 'failed';

/**
 * False once the server said no provider is set up: the composer stops offering translation
 * (until the page is loaded again), instead of failing on every draft.
 */
export const translationConfigured = ref(true);

/** What a reply carries about its translation when it is sent. */
export type ReplyTranslationFields = { translation: ReplyTranslation } | { translate: boolean };

/**
 * The agent's draft translated into the visitor's language while they write: asked for once the
 * typing pauses, each answer kept only if the draft is still the text it was asked for (a stale
 * answer is dropped). The agent may edit the translation; a new draft asks anew.
 */
export function useReplyPreview(options: {
  conversationId: () => string;
  draft: Ref<string>;
  /** Whether the reply is to be translated (the toggle is on, and it is not a private note). */
  active: () => boolean;
}) {
  const body = ref('');
  const language = ref<string | null>(null);
  const state = ref<PreviewState>('idle');
  const error = ref<unknown>(null);
  /** The draft the shown translation belongs to. */
  let madeFor: string | null = null;
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function clear(): void {
    clearTimeout(timer);
    asked += 1;
    madeFor = null;
    body.value = '';
    language.value = null;
    state.value = 'idle';
    error.value = null;
  }

  async function ask(text: string): Promise<void> {
    const request = ++asked;
    state.value = 'loading';
    error.value = null;
    try {
      const result = await previewTranslation(options.conversationId(), text);
      if (request !== asked) return;
      madeFor = text;
      body.value = result.body;
      language.value = result.language;
      state.value = 'ready';
    } catch (failure) {
      if (request !== asked) return;
      if ((failure as { code?: unknown } | null)?.code === 'translation_not_configured') {
        translationConfigured.value = false;
      }
      madeFor = null;
      state.value = 'failed';
      error.value = failure;
    }
  }

  watch(
    [options.draft, options.active],
    ([text, active]) => {
      if (text === madeFor && active && state.value === 'ready') return;
      clear();
      if (!active || isBlankText(text)) return;
      state.value = 'loading';
      timer = setTimeout(() => void ask(text), PREVIEW_DELAY_MS);
    },
    { immediate: true },
  );
  if (getCurrentScope()) onScopeDispose(clear);

  /**
   * What to send with `text`: the translation shown (edited or not) when it was made for this
   * very text; else ask the server to translate after storing it; nothing translated when off.
   */
  function fieldsFor(text: string): ReplyTranslationFields {
    if (!options.active()) return { translate: false };
    if (state.value === 'ready' && madeFor === text && language.value && !isBlankText(body.value)) {
      return { translation: { language: language.value, body: body.value } };
    }
    return { translate: true };
  }

  return { body, language, state, error, fieldsFor };
}
