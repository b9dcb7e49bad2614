/**
 * Which translation of a message a reader sees. Shared by the console and the widget, so it
 * imports only the protocol's language tags at run time (the widget bundle stays small).
 */
import { sameLanguage } from '../protocol/languages';
import type { MessageTranslation } from '../protocol/schemas';
import type { MessageTranslated } from '../protocol/translation-schemas';

export { sameLanguage };
export type { MessageTranslation };
/** The server's push when a translation is pending, done or failed. */
export type TranslatedEvent = MessageTranslated;

/** What a message carries about its language and translations; both may be absent (older servers). */
export interface Translatable {
  body: string;
  language?: string | null;
  translations?: readonly MessageTranslation[];
}

/**
 * The translation a reader of `language` is shown instead of the original, or the one on its
 * way; undefined when the message is already in that language or has none for it.
 */
export function translationFor(
  message: Translatable,
  language: string,
): MessageTranslation | undefined {
  if (message.language && sameLanguage(message.language, language)) return undefined;
  return message.translations?.find((t) => sameLanguage(t.language, language));
}

/**
 * The message with this translation in place of any earlier one into the same language, or
 * the message itself when nothing changed. A done translation is never replaced by a pending one
 * (a late push of an older state).
 */
export function withTranslation<M extends Translatable>(
  message: M,
  translation: MessageTranslation,
): M {
  const current = message.translations ?? [];
  const index = current.findIndex((t) => t.language === translation.language);
  const existing = index === -1 ? undefined : current[index];
  if (existing?.status === 'done' && translation.status !== 'done') return message;
  if (existing && existing.status === translation.status && existing.body === translation.body) {
    return message;
  }
  const translations =
    index === -1
      ? [...current, translation]
      : current.map((t, i) => (i === index ? translation : t));
  return { ...message, translations };
}

/**
 * Whether a reader of `language` needs this message translated and has nothing for it yet:
 * its language is known and differs, and no translation into `language` exists in any state.
 */
export function lacksTranslation(message: Translatable, language: string): boolean {
  if (!message.language || sameLanguage(message.language, language)) return false;
  return !message.translations?.some((t) => sameLanguage(t.language, language));
}

/**
 * The lowest seq among messages whose translation is still on its way, or null. A push missed
 * while disconnected would leave it pending for good: catching up fetches again from there.
 */
export function oldestPendingSeq(
  messages: Iterable<Translatable & { seq: number }>,
): number | null {
  let oldest: number | null = null;
  for (const message of messages) {
    const waiting = message.translations?.some((t) => t.status === 'pending') ?? false;
    if (waiting && (oldest === null || message.seq < oldest)) oldest = message.seq;
  }
  return oldest;
}
