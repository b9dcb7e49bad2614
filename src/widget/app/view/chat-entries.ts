import type { ErrorCode } from '../../../protocol/errors';
import type { AuthorType, Message } from '../../../protocol/schemas';
import type { Translatable } from '../../../client/translations';
import type { ChatState, LocalMessage } from '../chat-session';
import type { InvitationOffer } from '../../../protocol/visitor-schemas';

export type DeliveryStatus = 'sending' | 'sent' | 'read' | 'failed';

/** One row of the message list, in display order. */
export interface ChatEntry {
  /** Stable across the sending → sent change, so the row is updated, not replaced. */
  key: string;
  authorType: AuthorType;
  authorName: string | null;
  body: string;
  createdAt: string | null;
  /** Only on the visitor's own messages. */
  status: DeliveryStatus | null;
  errorCode: ErrorCode | null;
  /** The first of a run by the same author: its name shows above it. */
  startsRun: boolean;
  /** Set on a "joined the chat" entry: the agent's name, for the view to word in its language. */
  joinedAgent: string | null;
  /**
   * Set when `body` is a translation into the visitor's language: what support wrote, one
   * click away. Null for messages shown as written.
   */
  original: string | null;
  /** Support's message is being translated for the visitor: shown as written until then. */
  translationPending: boolean;
}

type Placed = Omit<ChatEntry, 'startsRun'>;

/**
 * Server messages in seq order; the visitor's refused ones where they failed, and those still
 * on their way after everything, in the order typed.
 */
export function chatEntries(state: ChatState): ChatEntry[] {
  const placed = [
    ...state.messages.map((message) => ({
      position: message.seq,
      entry: serverEntry(message, state.agentReadSeq),
    })),
    // An answered invitation: after what was said before, before what the visitor writes now.
    ...(state.invitation
      ? [
          {
            position: state.invitation.afterSeq + 0.25,
            entry: invitationEntry(state.invitation),
          },
        ]
      : []),
    // Half a step after the message they follow; the stable sort keeps their own order.
    ...state.local.map((local) => ({
      position: local.state === 'failed' ? local.afterSeq + 0.5 : Infinity,
      entry: localEntry(local),
    })),
  ]
    .sort((a, b) => a.position - b.position)
    .map(({ entry }) => entry);

  return placed.map((entry, index) => {
    const previous = placed[index - 1];
    const startsRun =
      previous?.authorType !== entry.authorType || previous.authorName !== entry.authorName;
    return { ...entry, startsRun };
  });
}

/**
 * The visitor receives only the translation into the conversation's language, and only when
 * that differs from the message's (the server sends no other): shown for what support wrote.
 */
function visitorTranslation(message: Message) {
  if (message.author.type !== 'agent' && message.author.type !== 'bot') return undefined;
  return (message as Translatable).translations?.[0];
}

function serverEntry(message: Message, agentReadSeq: number): Placed {
  const own = message.author.type === 'visitor';
  const translation = visitorTranslation(message);
  const translated = translation?.status === 'done' && translation.body ? translation.body : null;
  return {
    key: own && message.clientId ? `c:${message.clientId}` : `s:${message.seq}`,
    authorType: message.author.type,
    authorName: message.author.name,
    body: translated ?? message.body,
    original: translated === null ? null : message.body,
    translationPending: translation?.status === 'pending',
    createdAt: message.createdAt,
    status: own ? (message.seq <= agentReadSeq ? 'read' : 'sent') : null,
    errorCode: null,
    joinedAgent: message.meta?.kind === 'joined' ? message.meta.agentName : null,
  };
}

function invitationEntry(offer: InvitationOffer): Placed {
  return {
    key: `i:${offer.id}`,
    authorType: offer.agentName === null ? 'bot' : 'agent',
    authorName: offer.agentName,
    body: offer.message,
    createdAt: null,
    status: null,
    errorCode: null,
    joinedAgent: null,
    original: null,
    translationPending: false,
  };
}

function localEntry(local: LocalMessage): Placed {
  return {
    key: `c:${local.clientId}`,
    authorType: 'visitor',
    authorName: null,
    body: local.body,
    createdAt: null,
    status: local.state,
    errorCode: local.state === 'failed' ? local.errorCode : null,
    joinedAgent: null,
    original: null,
    translationPending: false,
  };
}
