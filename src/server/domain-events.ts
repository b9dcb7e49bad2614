/**
 * Domain events, emitted by services only after their transaction commits. Realtime listeners
 * (one per audience) decide who hears each one; services never know about sockets.
 */
import type { PresenceStatus, QueuePosition } from '../protocol/routing-schemas';
import type { Conversation, Message } from '../protocol/schemas';
import type { MessageTranslated } from '../protocol/translation-schemas';
import type { WidgetSettings } from '../protocol/settings-schemas';
import type { Transfer } from '../protocol/transfer-schemas';
import type { Availability } from '../protocol/offline-schemas';
import type { LiveVisitor } from '../protocol/visitor-schemas';

/**
 * Who may hear of a conversation's messages and activity, as the conversation is: the agents who
 * may see it (see conversations/visibility.ts), never the others.
 */
export interface ConversationAudience {
  conversationId: string;
  departmentId: string | null;
  assigneeId: string | null;
}

export interface DomainEventMap {
  'conversation.created': { orgId: string; visitorId: string; conversation: Conversation };
  'conversation.updated': {
    orgId: string;
    visitorId: string;
    conversation: Conversation;
    /** True when only agents may hear of this change (a private note was added). */
    agentsOnly: boolean;
  };
  'message.created': {
    orgId: string;
    visitorId: string;
    message: Message;
    audience: ConversationAudience;
    /** The conversation's language: the only translation its visitor may hear of. */
    conversationLanguage: string | null;
  };
  /**
   * A send was retried and found its message already stored. The first attempt's announcement
   * may never have reached anyone (its node died between commit and fan-out), so the realtime
   * listeners push it again; clients ignore a seq they have. Nothing else must react to it.
   */
  'message.resent': {
    orgId: string;
    visitorId: string;
    message: Message;
    audience: ConversationAudience;
    conversationLanguage: string | null;
  };
  /**
   * A message's translation is done, or failed for good. Agents who may see the conversation
   * hear of it; the visitor too when `toVisitor` (not a note, and into its conversation's language).
   */
  'message.translated': {
    orgId: string;
    visitorId: string;
    audience: ConversationAudience;
    toVisitor: boolean;
    translated: MessageTranslated;
  };
  'typing.changed': {
    orgId: string;
    visitorId: string;
    conversationId: string;
    audience: ConversationAudience;
    /** An agent's id is null for a bot or the system typing. */
    by: { type: 'visitor' } | { type: 'agent'; id: string | null; name: string };
    typing: boolean;
  };
  /** A colleague opened or left a conversation (collision): agents who may see it hear it. */
  'conversation.viewing': {
    orgId: string;
    audience: ConversationAudience;
    agentId: string;
    agentName: string;
    viewing: boolean;
  };
  /**
   * An agent is told of a note addressed to them: an @mention in a private note, or a
   * supervisor's whisper.
   */
  'agent.notified': {
    orgId: string;
    agentId: string;
    kind: 'mention' | 'whisper';
    conversationId: string;
    messageId: string;
    by: string;
  };
  /**
   * What an agent may see changed (their departments or role; with no `agentId`, the whole
   * organization's, as when `agentsSeeAll` changes): their consoles reconnect, which rejoins the
   * rooms (see realtime/audience.ts) and refreshes their lists.
   */
  'agent.visibility.changed': { orgId: string; agentId: string | null };
  /** A supervisor joined a conversation silently: their sockets hear its events from now on. */
  'conversation.joined': { orgId: string; conversationId: string; agentId: string };
  /** The visitor's unsent text, on a site that allows a sneak peek; null once cleared. */
  'draft.changed': {
    orgId: string;
    audience: ConversationAudience;
    text: string;
  };
  'session.ended': { tokenHash: string };
  /** Agents blocked a visitor (and maybe its address): its live connections must end. */
  'visitor.blocked': { orgId: string; visitorId: string; address: string | null };
  /** An agent changed a visitor on a site now (its name, email): the live views redraw its row. */
  'visitor.profile_changed': { orgId: string; visitor: LiveVisitor };
  /** A site's widget settings changed: its open widgets redraw. */
  'site.updated': { orgId: string; siteId: string; widget: WidgetSettings };
  /** A site was deleted: its widgets' connections end, and their next handshake is refused. */
  'site.deleted': { orgId: string; siteId: string };
  /** An agent was deactivated: every session and socket of theirs ends. */
  'agent.deactivated': { orgId: string; agentId: string };
  /** An agent's effective presence changed (what routing reads); emitted once per change. */
  'agent.presence': { orgId: string; agentId: string; presence: PresenceStatus };
  /** A transfer waits for its target: `agentIds` are who may accept it (and only they hear). */
  'transfer.requested': { orgId: string; transfer: Transfer; agentIds: string[] };
  /** A transfer was accepted, expired or cancelled: its targets and who asked hear of it. */
  'transfer.updated': { orgId: string; transfer: Transfer; agentIds: string[] };
  /** A department was added, renamed, deleted, or its strategy or members changed. */
  'departments.changed': { orgId: string };
  /** Where a waiting visitor now is in line (position null: an agent has the conversation). */
  'queue.position': { orgId: string; visitorId: string; position: QueuePosition };
  /** Whether someone can chat on a site, worked out again after a presence change. */
  'site.availability': { orgId: string; siteId: string; availability: Availability };
  /** A beacon changed what the live visitors view shows of a visitor (a page, a new visit). */
  'visitor.tracked': { orgId: string; visitor: LiveVisitor };
  /** A visitor's visit ended: nobody has seen it for a while. */
  'visitor.left': { orgId: string; visitorId: string };
}

export type DomainEventName = keyof DomainEventMap;

// What a listener returns is ignored, but for a promise, whose rejection counts as a failure.
type Listener<E extends DomainEventName> = (payload: DomainEventMap[E]) => unknown;

/** Told of every listener that threw or rejected: log it and count it. */
export type ListenerFailure = (event: DomainEventName, error: unknown) => void;

/**
 * The after-commit bus. Each listener runs isolated: one that throws, or whose promise rejects,
 * is reported to `onFailure` and stops nothing else — not the other listeners, not the request
 * that emitted (its change is already committed), not the process.
 */
export class DomainEvents {
  private readonly listeners = new Map<DomainEventName, Listener<never>[]>();

  constructor(private readonly onFailure: ListenerFailure = () => {}) {}

  emit<E extends DomainEventName>(name: E, payload: DomainEventMap[E]): void {
    for (const listener of (this.listeners.get(name) ?? []) as Listener<E>[]) {
      try {
        const result = listener(payload);
        if (result instanceof Promise)
          result.catch((error: unknown) => this.onFailure(name, error));
      } catch (error) {
        this.onFailure(name, error);
      }
    }
  }

  on<E extends DomainEventName>(name: E, listener: Listener<E>): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener as Listener<never>]);
  }
}
