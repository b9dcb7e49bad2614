import type {
  GlossaryTerm,
  TranslatePreview,
  TranslationSettings,
  UpdateTranslationSettingsBody,
} from '../../protocol/translation-schemas';
import { requestJson } from './http';

export type { GlossaryTerm, TranslationSettings };

const conversationPath = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;

/** The agent's draft in the conversation's language, translated now. */
export const previewTranslation = (conversationId: string, text: string) =>
  requestJson<TranslatePreview>('POST', `${conversationPath(conversationId)}/translate-preview`, {
    body: { text },
  });

/** Queues translations into `language` of the conversation's messages that lack one. */
export const requestTranslations = (conversationId: string, language: string) =>
  requestJson<{ queued: number }>('POST', `${conversationPath(conversationId)}/translations`, {
    body: { language },
  });

export const fetchTranslationSettings = async () =>
  (
    await requestJson<{ translation: TranslationSettings }>(
      'GET',
      '/api/v1/organization/translation',
    )
  ).translation;
export const saveTranslationSettings = async (body: UpdateTranslationSettingsBody) =>
  (
    await requestJson<{ translation: TranslationSettings }>(
      'PUT',
      '/api/v1/organization/translation',
      { body },
    )
  ).translation;

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
