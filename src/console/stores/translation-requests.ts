import { defineStore } from 'pinia';
import { lacksTranslation } from '../../client/translations';
import type { Message } from '../../protocol/schemas';
import { requestTranslations } from '../api/translation';
import { reportBackgroundFailure } from '../report';
import { useConversationsStore } from './conversations';
import { useMessagesStore } from './messages';

/** Answers that mean asking again will not help: nothing to translate, or nobody to translate. */
const SETTLED_REFUSALS: ReadonlySet<string> = new Set([
  'translation_not_configured',
  'translation_not_needed',
  'forbidden',
  'not_found',
]);

/**
 * A message a reader of `language` should have translated: a person's words in another language.
 * A visitor's message whose own language is unknown is taken to be in the conversation's.
 */
export function needsTranslation(
  message: Message,
  language: string,
  conversationLanguage: string | null = null,
): boolean {
  if (message.internal || message.meta !== null) return false;
  const written =
    message.language ?? (message.author.type === 'visitor' ? conversationLanguage : null);
  return lacksTranslation({ ...message, language: written }, language);
}

/**
 * Asks the server to translate, into the agent's console language, the messages of an open
 * conversation that have no translation into it: once when it opens, and once more for each
 * message that arrives later without one. The results come by `message:translated`.
 */
export const useTranslationRequestsStore = defineStore('translationRequests', () => {
  const messages = useMessagesStore();
  const conversations = useConversationsStore();
  /** Per conversation and language: the messages up to this seq were asked for already. */
  const askedUpTo = new Map<string, number>();

  function requestMissing(conversationId: string, language: string): void {
    const thread = messages.thread(conversationId);
    if (!thread) return;
    const key = `${conversationId}\n${language}`;
    const asked = askedUpTo.get(key) ?? 0;
    const conversationLanguage = conversations.get(conversationId)?.language ?? null;
    const lacking = thread.messages.some(
      (m) => m.seq > asked && needsTranslation(m, language, conversationLanguage),
    );
    if (!lacking) return;
    askedUpTo.set(key, thread.topSeq);
    requestTranslations(conversationId, language).catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && SETTLED_REFUSALS.has(code)) return;
      // The next message, or opening the conversation again, asks again.
      askedUpTo.set(key, asked);
      reportBackgroundFailure(error);
    });
  }

  return { requestMissing };
});
