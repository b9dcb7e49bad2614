import { requestJson } from './http';

/** The organization's translation provider, as Settings → Translation shows it (the key never). */
export type TranslationProvider = 'none' | 'libretranslate' | 'deepl' | 'openai';

export interface TranslationSettings {
  provider: TranslationProvider;
  url: string | null;
  hasKey: boolean;
  model: string | null;
  /** 'environment': PARLEY_TRANSLATE_* set it, and Settings only shows it. */
  source: 'settings' | 'environment';
}

export interface TranslationSettingsBody {
  provider: TranslationProvider;
  url: string | null;
  /** Omitted: the stored key stays. */
  key?: string;
  model?: string | null;
}

export interface GlossaryTerm {
  id: string;
  term: string;
  /** null: never translated. */
  translation: string | null;
}

const conversationPath = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;

/** The agent's draft in the conversation's language, translated now. */
export const previewTranslation = (conversationId: string, text: string) =>
  requestJson<{ language: string; body: string }>(
    'POST',
    `${conversationPath(conversationId)}/translate-preview`,
    { body: { text } },
  );

/** Queues translations into `language` of the conversation's messages that lack one. */
export const requestTranslations = (conversationId: string, language: string) =>
  requestJson<{ queued: number }>('POST', `${conversationPath(conversationId)}/translations`, {
    body: { language },
  });

export const fetchTranslationSettings = () =>
  requestJson<TranslationSettings>('GET', '/api/v1/organization/translation');
export const saveTranslationSettings = (body: TranslationSettingsBody) =>
  requestJson<TranslationSettings>('PUT', '/api/v1/organization/translation', { body });

export const fetchGlossary = async () =>
  (await requestJson<{ terms: GlossaryTerm[] }>('GET', '/api/v1/organization/glossary')).terms;
export const addGlossaryTerm = async (term: string, translation: string | null) =>
  (
    await requestJson<{ term: GlossaryTerm }>('POST', '/api/v1/organization/glossary', {
      body: { term, translation },
    })
  ).term;
export const removeGlossaryTerm = (id: string) =>
  requestJson<null>('DELETE', `/api/v1/organization/glossary/${encodeURIComponent(id)}`);
