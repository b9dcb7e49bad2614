/**
 * Live translation (issue 12): the organization's provider, its glossary, the agent's preview of
 * a reply, and asking for translations of a conversation.
 */
import { z } from 'zod';
import { UI_LANGUAGES } from './ui-languages';
import { messageBody, plainText, type MessageTranslation } from './schemas';

/** At most this many glossary terms per organization. */
export const MAX_GLOSSARY_TERMS = 500;
/** At most this many characters per glossary term (and per translation of one). */
export const MAX_GLOSSARY_TERM_LENGTH = 100;
/** `POST …/translations` queues at most this many of the conversation's latest messages. */
export const MAX_TRANSLATION_BATCH = 200;

export const translationProvider = z.enum(['none', 'libretranslate', 'deepl', 'openai']);
export type TranslationProvider = z.infer<typeof translationProvider>;

/** What Settings → Translation shows; the key is never sent back, only whether there is one. */
export const translationSettingsSchema = z
  .object({
    provider: translationProvider,
    url: z.string().nullable(),
    hasKey: z.boolean(),
    model: z.string().nullable(),
    source: z.enum(['settings', 'environment']).meta({
      description: 'environment: set by PARLEY_TRANSLATE_*, read-only here',
    }),
  })
  .meta({ id: 'TranslationSettings' });
export type TranslationSettings = z.infer<typeof translationSettingsSchema>;

const providerUrl = plainText(500).refine(
  (s) => /^https?:\/\/[^\s]+$/i.test(s) && URL.canParse(s),
  {
    message: 'must be an http(s) URL',
  },
);

/**
 * Owners and admins choose the provider. `key` left out keeps the stored one; an empty string
 * removes it. `none` turns translation off.
 */
export const updateTranslationSettingsBody = z
  .object({
    provider: translationProvider,
    url: providerUrl.nullable().optional(),
    key: plainText(500).optional(),
    model: plainText(100).nullable().optional(),
  })
  .refine((b) => b.provider === 'none' || (b.url !== undefined && b.url !== null), {
    message: 'a provider needs its url',
    path: ['url'],
  });
export type UpdateTranslationSettingsBody = z.infer<typeof updateTranslationSettingsBody>;

const glossaryText = plainText(MAX_GLOSSARY_TERM_LENGTH)
  .transform((s) => s.trim())
  .refine((s) => s.length > 0 && s.isWellFormed(), 'must not be empty');

export const glossaryTermSchema = z
  .object({
    id: z.string(),
    term: z.string(),
    translation: z
      .string()
      .nullable()
      .meta({ description: 'null: never translated (a brand or product name)' }),
  })
  .meta({ id: 'GlossaryTerm' });
export type GlossaryTerm = z.infer<typeof glossaryTermSchema>;

export const glossaryTermBody = z.object({
  term: glossaryText,
  translation: glossaryText.nullable().default(null),
});
export type GlossaryTermBody = z.input<typeof glossaryTermBody>;

export const translatePreviewBody = z.object({ text: messageBody });
export const translatePreviewReply = z
  .object({ language: z.string(), body: z.string() })
  .meta({ id: 'TranslationPreview' });
export type TranslatePreview = z.infer<typeof translatePreviewReply>;

/**
 * The reader's console language: one of the UI languages, so that a flood of tags (`es-MX`,
 * `es-AR`…) cannot queue the same conversation again and again.
 */
export const requestTranslationsBody = z.object({ language: z.enum(UI_LANGUAGES) });
export const requestTranslationsReply = z.object({ queued: z.number().int() });

/** Server → clients (`message:translated`): a message's translation is done, or failed for good. */
export interface MessageTranslated {
  conversationId: string;
  messageId: string;
  seq: number;
  translation: MessageTranslation;
}
