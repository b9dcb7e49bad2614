import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { isoNow, systemClock, type Clock } from '../../core/clock';
import { logEvents, type LoggedEvent } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import type { MessagesTable } from '../../db/schema';
import type { Writer } from '../../db/writer';
import type { ConversationAudience, DomainEvents } from '../../domain-events';
import { notFound } from '../../errors';
import { SYNC_PAGE_CHARS, SYNC_PAGE_SIZE } from '../../../protocol/limits';
import type { MessageMeta } from '../../../protocol/routing-schemas';
import type { ConversationStatus, Message, MessageTranslation } from '../../../protocol/schemas';
import { sameLanguage } from '../../../protocol/languages';
import {
  ConversationsRepository,
  type ConversationView,
  type UnreadEffect,
} from '../conversations/conversations.repository';
import { conversationPolicy } from '../conversations/conversations.policy';
import { ConversationVisibility, mayView } from '../conversations/visibility';
import { preview, toConversation, toMessage } from '../conversations/presenters';
import { backToQueue } from '../routing/placement';
import { authorIdOf, authorOf, type Author } from './message-author';
import { MessagesRepository } from './messages.repository';

export interface NewMessage {
  /**
   * The sender's idempotency key: the same author's same key in the same conversation is one
   * message, however often it is sent. A job that appends a message makes it from its own id, so
   * a job run twice writes once. Null only for messages no retry can repeat.
   */
  clientId: string | null;
  body: string;
  /** A private note between agents; never sent to the visitor. */
  internal?: boolean;
  /** What a structured timeline entry is (why this agent, a transfer, a join). */
  meta?: MessageMeta;
  /** An agent's reply: translate it into the conversation's language when that differs (default). */
  translate?: boolean;
  /** An agent's reply: its translation into the visitor's language, as the agent approved it. */
  translation?: { language: string; body: string };
}

/**
 * What the translation module adds to the message path. The messages module knows no provider:
 * it asks this hook, in the new message's transaction, to store or queue its translations (a job
 * enqueued there exists if and only if the message commits), and reads stored ones for pages.
 */
export interface MessageTranslations {
  /** The new message's translations as they stand at commit (pending, or done when given). */
  onAppend(
    trx: Db,
    appended: { message: MessagesTable; conversation: ConversationView },
    actor: Actor,
    input: NewMessage,
  ): Promise<MessageTranslation[]>;
  /** The stored translations of these messages of one conversation, by message id. */
  ofMessages(
    conversationId: string,
    messageIds: string[],
  ): Promise<Map<string, MessageTranslation[]>>;
}

/** A committed message and its conversation as the same transaction left it. */
export interface Appended {
  message: MessagesTable;
  conversation: ConversationView;
  /** The message opened the conversation. */
  opened: boolean;
  /** Its translations as the transaction left them. */
  translations: MessageTranslation[];
}

/**
 * The one way a message gets into a conversation, whoever writes it — visitor, agent, bot or the
 * system: it takes the next `seq` (delivery invariant 3), deduplicates by client id (invariant 2),
 * updates the conversation's counters, logs the event, commits, and then announces. An ack given
 * after `append` returns therefore always means "stored" (invariant 1).
 */
export class MessagesService {
  private readonly messages: MessagesRepository;
  private readonly conversations: ConversationsRepository;
  private readonly visibility: ConversationVisibility;
  private translations: MessageTranslations | undefined;

  constructor(
    db: Db,
    private readonly writer: Writer,
    private readonly events: DomainEvents,
    /** What time messages are written at (tests move it to age conversations). */
    private readonly clock: Clock = systemClock,
  ) {
    this.messages = new MessagesRepository(db);
    this.conversations = new ConversationsRepository(db);
    this.visibility = new ConversationVisibility(db);
  }

  /** The translation module's hook (see MessageTranslations); none: messages stay untranslated. */
  translateWith(translations: MessageTranslations): void {
    this.translations = translations;
  }

  /**
   * A message of an agent, bot, API token or the system in a conversation of its organization, in
   * one call from any module. A client id the author used before in this conversation returns
   * the stored message and changes nothing. A conversation the actor may not see is `not_found`.
   */
  async append(actor: Actor, conversationId: string, input: NewMessage): Promise<Message> {
    authorize(conversationPolicy.write(actor), 'You may not write in conversations');
    const author = authorOf(actor);
    const scope = await this.visibility.scopeOf(actor);
    const outcome = await this.writer.write(
      async (trx) => {
        const conversations = this.conversations.withTransaction(trx);
        const found = await conversations.findForOrg(actor.orgId, conversationId);
        if (!found || !mayView(scope, found)) throw notFound('Conversation');
        // The status a reply changes is read under the row lock: a resolve committed a moment
        // ago must not be undone by a reply that read the conversation as open.
        const conversation = await conversations.relock(found);
        const existing =
          input.clientId === null
            ? undefined
            : await this.messages
                .withTransaction(trx)
                .findByClientId(conversation.id, authorIdOf(author), input.clientId);
        if (existing) return { message: existing, stored: conversation };
        return this.appendWithin(trx, conversation, actor, input, isoNow(this.clock));
      },
      { retryOnDuplicate: true },
    );
    if ('conversation' in outcome) {
      this.announce(outcome);
      // The writer sees its message's translations (pending, or the one it gave) in the ack.
      return toMessage(outcome.message, outcome.message.internal === 1 ? [] : outcome.translations);
    }
    this.announceResent(outcome.stored, outcome.message);
    return toMessage(outcome.message);
  }

  /**
   * The append itself, inside the caller's transaction, for the conversations module's own
   * paths (a visitor's message may first open the conversation). The caller has checked the
   * client id; `target` is the conversation as the transaction read it.
   */
  async appendWithin(
    trx: Db,
    target: Pick<
      ConversationView,
      | 'id'
      | 'org_id'
      | 'status'
      | 'visitor_id'
      | 'visitor_name'
      | 'visitor_email'
      | 'visitor_blocked_at'
    >,
    actor: Actor,
    input: NewMessage,
    at: string,
    opened = false,
  ): Promise<Appended> {
    const author = authorOf(actor);
    const status = statusAfter(author, input.internal === true, target.status);
    // A visitor writing to a resolved conversation reopens it, and it waits in line to be routed
    // again (the caller runs routing after the commit).
    const reopen = target.status === 'resolved' && status === 'open';
    const conversation = await this.conversations.withTransaction(trx).allocateSeq(
      target,
      {
        ...(status !== target.status && { status }),
        ...(reopen && { resolved_at: null, ...backToQueue(at) }),
        updated_at: at,
        // The system's timeline entries (why this agent, a claim) are not what was said: the
        // inbox goes on showing the last message.
        ...(author.type === 'system' && input.meta
          ? {}
          : {
              last_message_at: at,
              last_message_body: preview(input.body),
              last_message_author: author.type,
            }),
      },
      unreadEffectOf(author),
    );
    const message: MessagesTable = {
      id: randomUUID(),
      org_id: target.org_id,
      conversation_id: target.id,
      seq: conversation.last_seq,
      client_id: input.clientId,
      author_type: author.type,
      author_id: authorIdOf(author),
      author_name: author.type === 'system' ? null : author.name,
      body: input.body,
      internal: input.internal ? 1 : 0,
      created_at: at,
      meta: input.meta === undefined ? null : JSON.stringify(input.meta),
    };
    await this.messages.withTransaction(trx).insert(message);
    const logged: LoggedEvent[] = [
      {
        type: 'message.appended',
        orgId: target.org_id,
        actor,
        conversationId: target.id,
        visitorId: target.visitor_id,
        data: { messageId: message.id, seq: message.seq, internal: input.internal === true },
        at,
      },
    ];
    if (status !== target.status) {
      logged.push({
        type: reopen ? 'conversation.reopened' : 'conversation.status_changed',
        orgId: target.org_id,
        actor,
        conversationId: target.id,
        visitorId: target.visitor_id,
        ...(!reopen && { data: { from: target.status, to: status } }),
        at,
      });
    }
    await logEvents(trx, logged);
    const translations =
      (await this.translations?.onAppend(trx, { message, conversation }, actor, input)) ?? [];
    return { message, conversation, opened, translations };
  }

  /** Tells who may hear of a committed message, from the state its transaction left. */
  announce({ message, conversation: view, opened, translations }: Appended): void {
    const conversation = toConversation(view);
    const orgId = view.org_id;
    const visitorId = view.visitor_id;
    if (opened) this.events.emit('conversation.created', { orgId, visitorId, conversation });
    const audience = audienceOf(view);
    this.events.emit('message.created', {
      orgId,
      visitorId,
      message: toMessage(message, message.internal === 1 ? [] : translations),
      audience,
      conversationLanguage: view.language,
    });
    if (opened) return;
    // A private note changes the conversation for agents only; the visitor must not learn of it.
    const agentsOnly = message.internal === 1;
    this.events.emit('conversation.updated', { orgId, visitorId, conversation, agentsOnly });
  }

  /** A retry found `message` stored: push it again (see the `message.resent` event). */
  announceResent(
    conversation: Pick<
      ConversationView,
      'id' | 'org_id' | 'visitor_id' | 'department_id' | 'assignee_id'
    >,
    message: MessagesTable,
  ): void {
    this.events.emit('message.resent', {
      orgId: conversation.org_id,
      visitorId: conversation.visitor_id,
      message: toMessage(message),
      audience: audienceOf(conversation),
      conversationLanguage: null,
    });
  }

  /**
   * Messages after `afterSeq`: at most SYNC_PAGE_SIZE, and about SYNC_PAGE_CHARS of text. Agents
   * (`includeInternal`) get every translation; the visitor only those into `visitorLanguage`,
   * its conversation's language.
   */
  async page(
    conversationId: string,
    afterSeq: number,
    includeInternal: boolean,
    visitorLanguage: string | null = null,
  ) {
    const rows = await this.messages.after(
      conversationId,
      afterSeq,
      SYNC_PAGE_SIZE + 1,
      includeInternal,
    );
    let count = 0;
    let chars = 0;
    while (count < Math.min(rows.length, SYNC_PAGE_SIZE)) {
      chars += rows[count]!.body.length;
      if (count > 0 && chars > SYNC_PAGE_CHARS) break;
      count += 1;
    }
    const shown = rows.slice(0, count);
    const translated = await this.translations?.ofMessages(
      conversationId,
      shown.filter((row) => row.internal === 0).map((row) => row.id),
    );
    const translationsOf = (row: MessagesTable) => {
      const all = translated?.get(row.id) ?? [];
      return includeInternal ? all : all.filter((t) => sameLanguage(t.language, visitorLanguage));
    };
    return {
      messages: shown.map((row) => toMessage(row, translationsOf(row))),
      hasMore: rows.length > count,
    };
  }

  /** A visitor's message with this client id, in any of its conversations: a retry. */
  findVisitorRetry(trx: Db, visitorId: string, clientId: string) {
    return this.messages.withTransaction(trx).findVisitorMessageByClientId(visitorId, clientId);
  }
}

/**
 * The lifecycle a message drives: a visitor's message opens the conversation (reopens a
 * resolved one); an agent's reply to the visitor leaves an open one pending — waiting on the
 * visitor — as in Zendesk or Help Scout. Notes, bots and the system change nothing.
 */
function statusAfter(
  author: Author,
  internal: boolean,
  status: ConversationStatus,
): ConversationStatus {
  if (author.type === 'visitor') return 'open';
  if (author.type === 'agent' && !internal && status === 'open') return 'pending';
  return status;
}

/** Who may hear of what happens in a conversation, as the conversation is now. */
export function audienceOf(
  conversation: Pick<ConversationView, 'id' | 'department_id' | 'assignee_id'>,
): ConversationAudience {
  return {
    conversationId: conversation.id,
    departmentId: conversation.department_id,
    assigneeId: conversation.assignee_id,
  };
}

function unreadEffectOf(author: Author): UnreadEffect {
  if (author.type === 'visitor') return 'increment';
  if (author.type === 'agent') return 'clear';
  return 'keep';
}
