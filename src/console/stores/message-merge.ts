import type { Message } from '../../protocol/schemas';
import { withTranslation, type Translatable } from '../../client/translations';

/**
 * Both lists as one, ascending by seq, each seq once (the copy we already had wins, taking the
 * translations the fetched copy knows of: a translation may have been done since).
 */
export function mergeBySeq(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const message of existing) bySeq.set(message.seq, message);
  for (const message of incoming) {
    const held = bySeq.get(message.seq);
    bySeq.set(message.seq, held ? withTranslationsOf(held, message) : message);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function withTranslationsOf(held: Message, fetched: Message): Message {
  const translations = (fetched as Translatable).translations ?? [];
  return translations.reduce((message, t) => withTranslation(message, t), held);
}
