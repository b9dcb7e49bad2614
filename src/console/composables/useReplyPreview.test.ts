import { effectScope, nextTick, ref } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { previewTranslation } from '../api/translation';
import { PREVIEW_DELAY_MS, translationConfigured, useReplyPreview } from './useReplyPreview';

vi.mock('../api/translation', () => ({ previewTranslation: vi.fn() }));
const previewMock = vi.mocked(previewTranslation);

const SPANISH: Record<string, string> = {
  Hello: 'Hola',
  'Hello there': 'Hola a todos',
};

function setUp(active = ref(true)) {
  const draft = ref('');
  const scope = effectScope();
  const preview = scope.run(() =>
    useReplyPreview({ conversationId: () => 'c1', draft, active: () => active.value }),
  )!;
  return { draft, active, preview, scope };
}

/** The agent stops typing: the debounce runs out and the answer comes. */
async function pause(): Promise<void> {
  await nextTick();
  await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
}

beforeEach(() => {
  vi.useFakeTimers();
  previewMock.mockReset();
  previewMock.mockImplementation(async (_id, text) => ({ language: 'es', body: SPANISH[text]! }));
});
afterEach(() => vi.useRealTimers());

describe('the reply’s translation preview', () => {
  it('translates the draft once the agent pauses, and sends it with the reply', async () => {
    const { draft, preview } = setUp();
    draft.value = 'Hel';
    await nextTick();
    draft.value = 'Hello';
    await pause();

    expect(previewMock.mock.calls).toEqual([['c1', 'Hello']]);
    expect(preview.body.value).toBe('Hola');
    expect(preview.fieldsFor('Hello')).toEqual({ translation: { language: 'es', body: 'Hola' } });
  });

  it('sends the agent’s edit of the translation', async () => {
    const { draft, preview } = setUp();
    draft.value = 'Hello';
    await pause();
    preview.body.value = '¡Hola!';
    expect(preview.fieldsFor('Hello')).toEqual({ translation: { language: 'es', body: '¡Hola!' } });
  });

  it('drops an answer that comes after the draft changed, and asks the server to translate meanwhile', async () => {
    const { draft, preview } = setUp();
    let answerFirst: (value: { language: string; body: string }) => void = () => {};
    previewMock.mockImplementationOnce(() => new Promise((resolve) => (answerFirst = resolve)));
    draft.value = 'Hello';
    await pause();
    draft.value = 'Hello there';
    await nextTick();
    answerFirst({ language: 'es', body: 'Hola' });
    await Promise.resolve();

    expect(preview.body.value).toBe('');
    expect(preview.fieldsFor('Hello there')).toEqual({ translate: true });
    await pause();
    expect(preview.body.value).toBe('Hola a todos');
  });

  it('lets the reply go when the preview failed: the server translates it later', async () => {
    previewMock.mockRejectedValueOnce(new Error('provider down'));
    const { draft, preview } = setUp();
    draft.value = 'Hello';
    await pause();
    expect(preview.state.value).toBe('failed');
    expect(preview.fieldsFor('Hello')).toEqual({ translate: true });
  });

  it('learns when no provider is set up, so the composer stops offering translation', async () => {
    previewMock.mockRejectedValueOnce({ code: 'translation_not_configured' });
    const { draft } = setUp();
    draft.value = 'Hello';
    await pause();
    expect(translationConfigured.value).toBe(false);
    translationConfigured.value = true;
  });

  it('asks nothing and sends untranslated when translation is off', async () => {
    const { draft, preview } = setUp(ref(false));
    draft.value = 'Hello';
    await pause();
    expect(previewMock).not.toHaveBeenCalled();
    expect(preview.fieldsFor('Hello')).toEqual({ translate: false });
  });
});
