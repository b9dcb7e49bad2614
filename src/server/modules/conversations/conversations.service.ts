import { randomUUID } from 'node:crypto';
import { hasRole, type Actor, type SystemActor } from '../../core/actor';
import { isoNow, systemClock, type Clock } from '../../core/clock';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import type { ConversationsTable } from '../../db/schema';
import type { Writer } from '../../db/writer';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import type {
  Conversation,
  ConversationListQuery,
  ConversationPage,
  ConversationStatus,
  InboxView,
  Message,
  SyncResult,
  VisitorContact,
  VisitorConversation,
} from '../../../protocol/schemas';
import type { MessageMeta } from '../../../protocol/routing-schemas';
import { chooseDepartment } from '../departments/department-choice';
import { audienceOf, type Appended, type MessagesService } from '../messages/messages.service';
import { placeNewConversation } from '../routing/placement';
import { SitesRepository } from '../sites/sites.repository';
import { visitorActor, type VisitorIdentity } from '../visitors/visitors.service';
import { ConversationsRepository, type ConversationView } from './conversations.repository';
import { conversationPolicy } from './conversations.policy';
import { decodeCursor, encodeCursor } from './list-cursor';
import { findMentions } from './mentions';
import { toConversation, toMessage, toVisitorConversation } from './presenters';
import { TypingGate } from './typing-gate';
import type { VisitorAdmission } from './visitor-admission';
import { ConversationVisibility, mayView, type ConversationScope } from './visibility';

/** What a client sends to write a message. */
export interface SentMessage {
  clientId: string;
  body: string;
}

/** A conversation waiting in line, and whose it is. */
export interface WaitingConversation {
  conversationId: string;
  visitorId: string;
}

/**
 * What changed the line before a pass: a conversation joined its end, or the line moved without
 * an assignment (one left it unassigned, or came back to it).
 */
export type QueueChange = { joined: WaitingConversation } | { moved: true };

/** What routes conversations: a pass over the organization's queue, run after a commit. */
export interface ConversationRouter {
  /** Never rejects. */
  route(orgId: string, change?: QueueChange): Promise<void>;
}

/** A visitor request names its conversation, or means its current one. */
export interface VisitorTarget {
  conversationId?: string | undefined;
}

/** What another visitor path (the leave-a-message form) adds to a visitor's message. */
export interface VisitorMessageExtras {
  meta?: MessageMeta;
  /** Stored on the visitor in the message's transaction, before a conversation is opened. */
  contact?: { name: string; email: string };
  /** Runs in the message's transaction after a new message is appended (never for a retry). */
  withinCommit?: (trx: Db, appended: Appended) => Promise<unknown>;
}

/**
 * A module that adds to how a visitor's message starts a conversation — opens a new one, or
 * reopens a resolved one (a proactive invitation puts its message first and gives the
 * conversation to the inviting agent). Both steps run in the visitor message's transaction and
 * write through the message path; what they append is announced after the commit.
 */
export interface ConversationStarter {
  /**
   * Before the visitor's message is appended to `conversation`: undefined changes nothing; else
   * the conversation as this step left it, the entries it appended, and the step after.
   */
  start(
    trx: Db,
    visitor: VisitorIdentity,
    conversation: ConversationView,
    at: string,
  ): Promise<StartedConversation | undefined>;
}

export interface StartedConversation {
  conversation: ConversationView;
  appended: Appended[];
  /** After the visitor's message, in its transaction: more entries to announce after it. */
  afterMessage(trx: Db, message: Appended): Promise<Appended[]>;
}

/**
 * Conversations and their lifecycle: a visitor's first message opens one, a visitor's message
 * reopens a resolved one, agents read and resolve. Messages go in through the messages module.
 * Every write commits first and emits its domain events after.
 */
export class ConversationsService {
  private readonly repo: ConversationsRepository;
  readonly visibility: ConversationVisibility;
  /** Typing reports reach others coalesced: a few changes a second at most, per writer. */
  private readonly typing = new TypingGate();
  private starter: ConversationStarter | undefined;

  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    private readonly messages: MessagesService,
    private readonly events: DomainEvents,
    private readonly admission: VisitorAdmission,
    private readonly router: ConversationRouter = { route: async () => {} },
    /** What time conversations change at (tests move it to age them). */
    private readonly clock: Clock = systemClock,
  ) {
    this.repo = new ConversationsRepository(db);
    this.visibility = new ConversationVisibility(db);
  }

  /** The one module that adds to how a visitor's message starts a conversation. */
  startWith(starter: ConversationStarter): void {
    this.starter = starter;
  }

  /**
   * A visitor writes, within its limits (nothing is stored when over them). The first message
   * opens a conversation; a message to a resolved one reopens it. A client id seen before
   * returns the stored message and changes nothing (invariant 2).
   */
  async sendVisitorMessage(
    visitor: VisitorIdentity,
    input: SentMessage & VisitorTarget,
    extras: VisitorMessageExtras = {},
  ): Promise<Message> {
    await this.admission.admitMessage(visitor);
    const actor = visitorActor(visitor);
    const outcome = await this.writer.write(
      async (trx) => {
        const repo = this.repo.withTransaction(trx);
        const at = isoNow(this.clock);
        await repo.lockVisitor(visitor.id, at);
        const existing = await this.messages.findVisitorRetry(trx, visitor.id, input.clientId);
        if (existing) {
          const stored = await repo.findForVisitor(visitor.id, existing.conversation_id);
          // The message's conversation is there.
          return { message: existing, stored: stored!, queued: false };
        }
        if (extras.contact) await repo.setVisitorContact(visitor.id, extras.contact);

        const current = await this.visitorConversation(repo, visitor, input);
        // A new conversation has the contact the site asks for and is within the address's
        // hourly allowance, or nothing is stored.
        // Its status is read under the lock: a resolve committed a moment ago must reopen it.
        let conversation: ConversationView;
        if (current) conversation = await repo.relock(current);
        else {
          const contact = await this.requireContact(trx, visitor);
          await this.admission.admitConversation(visitor);
          conversation = await this.open(trx, visitor, at, contact);
        }
        const starting = !current || conversation.status === 'resolved';
        const started = starting
          ? await this.starter?.start(trx, visitor, conversation, at)
          : undefined;
        const message = { clientId: input.clientId, body: input.body, meta: extras.meta };
        const appended = await this.messages.appendWithin(
          trx,
          started?.conversation ?? conversation,
          actor,
          message,
          at,
          !current && !started,
        );
        await extras.withinCommit?.(trx, appended);
        const after = started ? await started.afterMessage(trx, appended) : [];
        // Opened, or reopened: it waits in line for routing.
        return {
          ...appended,
          queued: starting,
          entries: { before: started?.appended ?? [], after },
        };
      },
      { retryOnDuplicate: true },
    );
    if ('conversation' in outcome) {
      outcome.entries.before.forEach((entry) => this.messages.announce(entry));
      this.messages.announce(outcome);
      outcome.entries.after.forEach((entry) => this.messages.announce(entry));
    } else this.messages.announceResent(outcome.stored, outcome.message);
    // The ack waits for routing's pass (which never rejects): the visitor's first status, an agent
    // or a place in line, is known by then, and the assignment entry comes right after its message.
    if (outcome.queued && 'conversation' in outcome) {
      const joined = { conversationId: outcome.conversation.id, visitorId: visitor.id };
      await this.router.route(visitor.orgId, { joined });
    }
    return toMessage(outcome.message);
  }

  /**
   * An agent (or bot, or API token) writes a reply or, with `internal`, a private note. A note
   * naming colleagues (`@Ana`) records them and tells each of them.
   */
  async sendAgentMessage(
    actor: Actor,
    conversationId: string,
    input: SentMessage & {
      internal: boolean;
      translate?: boolean;
      translation?: { language: string; body: string } | undefined;
    },
  ): Promise<Message> {
    const mentioned = input.internal ? await this.mentionedIn(actor, input.body) : [];
    const meta =
      mentioned.length > 0 ? { kind: 'mentions' as const, agentIds: mentioned } : undefined;
    const message = await this.messages.append(actor, conversationId, { ...input, meta });
    for (const agentId of mentioned) {
      this.events.emit('agent.notified', {
        orgId: actor.orgId,
        agentId,
        kind: 'mention',
        conversationId: message.conversationId,
        messageId: message.id,
        by: message.author.name ?? '',
      });
    }
    return message;
  }

  /** The colleagues (never the writer) a note names. */
  private async mentionedIn(actor: Actor, body: string): Promise<string[]> {
    if (!body.includes('@')) return [];
    const colleagues = await this.repo.activeAgents(actor.orgId);
    const self = actor.kind === 'agent' ? actor.id : null;
    return findMentions(body, colleagues).filter((id) => id !== self);
  }

  /** A page of the organization's conversations; `nextCursor` leads to the next one. */
  async listForAgent(actor: Actor, query: ConversationListQuery): Promise<ConversationPage> {
    authorize(conversationPolicy.read(actor), 'You may not see conversations');
    const scope = await this.visibility.scopeOf(actor);
    if (query.view === 'all') {
      authorize(scope.all || hasRole(actor, 'supervisor'), 'The All tab is for supervisors');
    }
    const statuses: ConversationStatus[] =
      query.status === 'open' ? ['open', 'pending'] : ['resolved'];
    const byStatus = query.status === 'blocked' ? ({ blocked: true } as const) : { statuses };
    const filter = { ...byStatus, scope, ...assigneeFilter(actor, query.view) };
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.repo.listForOrg(actor.orgId, filter, cursor, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      conversations: page.map(toConversation),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ updatedAt: last.updated_at, id: last.id })
          : null,
    };
  }

  /**
   * The visitor gives its name or email (the widget's pre-chat form): stored on the visitor
   * itself, never another (the identity is the socket's), and shown to agents at once. A picked
   * department is kept for the visitor's next new conversation.
   */
  async identifyVisitor(
    visitor: VisitorIdentity,
    {
      departmentId,
      ...contact
    }: { name?: string | undefined; email?: string | undefined; departmentId?: string | null },
  ): Promise<VisitorContact> {
    if (departmentId !== undefined) await chooseDepartment(this.db, visitor, departmentId);
    await this.repo.setVisitorContact(visitor.id, contact);
    await this.announceVisitorChange(visitor.orgId, visitor.id);
    return this.repo.visitorContact(visitor.id);
  }

  /** Tells agents a visitor's conversations changed around it (blocked, unblocked, named). */
  async announceVisitorChange(orgId: string, visitorId: string): Promise<void> {
    for (const view of await this.repo.listForVisitor(orgId, visitorId)) {
      this.events.emit('conversation.updated', {
        orgId,
        visitorId,
        conversation: toConversation(view),
        agentsOnly: true,
      });
    }
  }

  async getForAgent(actor: Actor, conversationId: string): Promise<Conversation> {
    return toConversation(await this.readable(actor, conversationId));
  }

  /** Messages after `afterSeq`, notes included: the resume step of an agent client (invariant 4). */
  async syncForAgent(
    actor: Actor,
    conversationId: string,
    afterSeq: number,
  ): Promise<SyncResult<Conversation>> {
    const conversation = await this.readable(actor, conversationId);
    return {
      conversation: toConversation(conversation),
      ...(await this.messages.page(conversation.id, afterSeq, true)),
    };
  }

  /** The visitor's conversation and its messages after `afterSeq`, notes never included. */
  async syncForVisitor(
    visitor: VisitorIdentity,
    target: VisitorTarget & { afterSeq: number },
  ): Promise<SyncResult<VisitorConversation>> {
    const conversation = await this.visitorConversation(this.repo, visitor, target);
    if (!conversation) return { conversation: null, messages: [], hasMore: false };
    return {
      conversation: toVisitorConversation(conversation),
      ...(await this.messages.page(conversation.id, target.afterSeq, false, conversation.language)),
    };
  }

  /**
   * Resolves an open conversation; resolving a resolved one changes nothing. Read and write hold
   * the row lock, so agents resolving at once resolve (and announce) it once.
   */
  async resolve(actor: Actor, conversationId: string): Promise<Conversation> {
    authorize(conversationPolicy.resolve(actor), 'You may not resolve conversations');
    const scope = await this.visibility.scopeOf(actor);
    const changed = await this.writer.write(async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const conversation = await this.locked(repo, actor, scope, conversationId);
      if (conversation.status === 'resolved') return false;
      await this.markResolved(trx, actor, conversation, isoNow(this.clock));
      return { leftLine: conversation.queued_at !== null && conversation.assignee_id === null };
    });
    if (!changed) return this.getForAgent(actor, conversationId);
    // Its agent has room for another one now; or it waited, and those behind it move up.
    void this.router.route(actor.orgId, changed.leftLine ? { moved: true } : undefined);
    return this.announceUpdate(actor.orgId, conversationId);
  }

  /**
   * The open or pending conversations of an organization without activity since `idleBefore`,
   * the longest idle first: at most `limit` ids.
   */
  listIdle(orgId: string, idleBefore: string, limit: number): Promise<string[]> {
    return this.repo.listIdle(orgId, idleBefore, limit);
  }

  /**
   * Resolves a conversation nobody wrote in since `idleBefore` (the auto-resolve job), announced
   * like a manual resolve, with an agents-only entry that says why. False when it was resolved
   * or written in meanwhile: the check and the change hold the row lock.
   */
  async resolveIdle(
    orgId: string,
    conversationId: string,
    idleBefore: string,
    afterHours: number,
  ): Promise<boolean> {
    const system: SystemActor = { kind: 'system', orgId };
    const appended = await this.writer.write(async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const row = await repo.lockForOrg(orgId, conversationId);
      if (!row || row.status === 'resolved' || row.updated_at >= idleBefore) return undefined;
      const view = await repo.findForOrg(orgId, conversationId);
      if (!view) return undefined;
      const at = isoNow(this.clock);
      await this.markResolved(trx, system, row, at);
      return this.messages.appendWithin(
        trx,
        { ...view, status: 'resolved' },
        system,
        {
          clientId: null,
          body: `Resolved automatically after ${afterHours} hours without activity.`,
          internal: true,
          meta: { kind: 'auto_resolved', afterHours },
        },
        at,
      );
    });
    if (!appended) return false;
    this.messages.announce(appended);
    await this.announceUpdate(orgId, conversationId);
    return true;
  }

  private async markResolved(
    trx: Db,
    actor: Actor,
    conversation: ConversationsTable,
    at: string,
  ): Promise<void> {
    await this.repo
      .withTransaction(trx)
      .update(conversation.id, { status: 'resolved', resolved_at: at, updated_at: at });
    await logEvents(trx, [
      {
        type: 'conversation.resolved',
        orgId: actor.orgId,
        actor,
        conversationId: conversation.id,
        visitorId: conversation.visitor_id,
        at,
      },
    ]);
  }

  /**
   * The agents have read up to `seq`: clears their unread count and shows the visitor "read".
   * Under the row lock, so a read seq never goes back and the count misses no message that a
   * visitor sends meanwhile.
   */
  async markReadByAgent(actor: Actor, conversationId: string, seq: number): Promise<void> {
    authorize(conversationPolicy.write(actor), 'You may not mark conversations read');
    const scope = await this.visibility.scopeOf(actor);
    const changed = await this.writer.write(async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const conversation = await this.locked(repo, actor, scope, conversationId);
      const readSeq = Math.min(seq, conversation.last_seq);
      if (readSeq <= conversation.agent_read_seq) return false;
      const unread = await repo.countVisitorMessagesAfter(conversation.id, readSeq);
      await repo.update(conversation.id, { agent_read_seq: readSeq, agent_unread_count: unread });
      return true;
    });
    if (changed) await this.announceUpdate(actor.orgId, conversationId);
  }

  async markReadByVisitor(
    visitor: VisitorIdentity,
    target: VisitorTarget & { seq: number },
  ): Promise<void> {
    const changedId = await this.writer.write(async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const current = await this.visitorConversation(repo, visitor, target);
      if (!current) return undefined; // nothing to read before the first message
      const conversation = await repo.lock(current.id);
      const readSeq = Math.min(target.seq, conversation.last_seq);
      if (readSeq <= conversation.visitor_read_seq) return undefined;
      await repo.update(conversation.id, { visitor_read_seq: readSeq });
      return conversation.id;
    });
    if (changedId) await this.announceUpdate(visitor.orgId, changedId);
  }

  async visitorTyping(
    visitor: VisitorIdentity,
    target: VisitorTarget & { typing: boolean },
  ): Promise<void> {
    const ticket = this.typing.ticket(); // its place in line is when it came, not when looked up
    const conversation = await this.visitorConversation(this.repo, visitor, target);
    if (!conversation) return; // nobody to tell before the first message
    this.typing.report(
      `visitor:${visitor.id}`,
      target.typing,
      (typing) =>
        this.events.emit('typing.changed', {
          orgId: visitor.orgId,
          visitorId: visitor.id,
          conversationId: conversation.id,
          audience: audienceOf(conversation),
          by: { type: 'visitor' },
          typing,
        }),
      ticket,
    );
  }

  async agentTyping(actor: Actor, conversationId: string, typing: boolean): Promise<void> {
    authorize(conversationPolicy.write(actor), 'You may not write in conversations');
    const ticket = this.typing.ticket();
    const conversation = await this.readable(actor, conversationId);
    const name = actor.kind === 'agent' || actor.kind === 'bot' ? actor.name : null;
    const id = actor.kind === 'agent' ? actor.id : null;
    this.typing.report(
      `${actor.kind}:${actor.kind === 'system' ? '' : actor.id}:${conversation.id}`,
      typing,
      (state) =>
        this.events.emit('typing.changed', {
          orgId: actor.orgId,
          visitorId: conversation.visitor_id,
          conversationId: conversation.id,
          audience: audienceOf(conversation),
          by: { type: 'agent', id, name: name ?? '' },
          typing: state,
        }),
      ticket,
    );
  }

  close(): void {
    this.typing.close();
  }

  /** The named conversation if it is the visitor's own, else its current one (maybe none yet). */
  visitorConversationOf(visitor: VisitorIdentity, target: VisitorTarget) {
    return this.visitorConversation(this.repo, visitor, target);
  }

  private async visitorConversation(
    repo: ConversationsRepository,
    visitor: VisitorIdentity,
    target: VisitorTarget,
  ): Promise<ConversationView | undefined> {
    if (target.conversationId === undefined) return repo.findLatestForVisitor(visitor.id);
    const conversation = await repo.findForVisitor(visitor.id, target.conversationId);
    if (!conversation) throw notFound('Conversation');
    return conversation;
  }

  /**
   * A conversation of the actor's organization that the actor may see. One they may not see is
   * `not_found`, exactly like another organization's: an agent learns nothing of it.
   */
  async readable(actor: Actor, conversationId: string): Promise<ConversationView> {
    authorize(conversationPolicy.read(actor), 'You may not see conversations');
    const [conversation, scope] = await Promise.all([
      this.repo.findForOrg(actor.orgId, conversationId),
      this.visibility.scopeOf(actor),
    ]);
    return visibleOrNotFound(scope, conversation);
  }

  /**
   * The conversation under its row lock, if `scope` (read before the transaction: on SQLite the
   * transaction holds the only connection) may see it.
   */
  private async locked(
    repo: ConversationsRepository,
    actor: Actor,
    scope: ConversationScope,
    conversationId: string,
  ): Promise<ConversationsTable> {
    return visibleOrNotFound(scope, await repo.lockForOrg(actor.orgId, conversationId));
  }

  /**
   * A visitor's first message opens a conversation, in the message's transaction, waiting in
   * line in the department the visitor chose (pre-chat), or else its site's.
   */
  private async open(
    trx: Db,
    visitor: VisitorIdentity,
    at: string,
    contact: VisitorContact,
  ): Promise<ConversationView> {
    const row: ConversationsTable = {
      id: randomUUID(),
      org_id: visitor.orgId,
      site_id: visitor.siteId,
      visitor_id: visitor.id,
      status: 'open',
      assignee_id: null,
      last_seq: 0,
      last_message_body: null,
      last_message_author: null,
      last_message_at: null,
      agent_unread_count: 0,
      agent_read_seq: 0,
      visitor_read_seq: 0,
      created_at: at,
      updated_at: at,
      resolved_at: null,
      assigned_at: null,
      ...(await placeNewConversation(trx, visitor, at)),
    };
    await this.repo.withTransaction(trx).insert(row);
    await logEvents(trx, [
      {
        type: 'conversation.opened',
        orgId: visitor.orgId,
        actor: visitorActor(visitor),
        conversationId: row.id,
        visitorId: visitor.id,
        data: { siteId: visitor.siteId },
        at,
      },
    ]);
    return {
      ...row,
      visitor_name: contact.name,
      visitor_email: contact.email,
      visitor_blocked_at: null,
    };
  }

  /**
   * The visitor's name and email as stored now; refuses with `contact_required` when the site
   * asks for one that is missing. Read in the opening transaction, after the visitor's lock.
   */
  private async requireContact(trx: Db, visitor: VisitorIdentity): Promise<VisitorContact> {
    const contact = await this.repo.withTransaction(trx).visitorContact(visitor.id);
    const site = await new SitesRepository(trx).findForOrg(visitor.orgId, visitor.siteId);
    const preChat = site?.widget.preChat;
    const missing = (['name', 'email'] as const).filter(
      (field) => preChat?.[field] === 'required' && !contact[field],
    );
    if (missing.length > 0) {
      throw new AppError('contact_required', `Give your ${missing.join(' and ')} first`);
    }
    return contact;
  }

  private async announceUpdate(orgId: string, conversationId: string): Promise<Conversation> {
    const view = await this.repo.findForOrg(orgId, conversationId);
    if (!view) throw notFound('Conversation');
    const conversation = toConversation(view);
    const visitorId = view.visitor_id;
    this.events.emit('conversation.updated', { orgId, visitorId, conversation, agentsOnly: false });
    return conversation;
  }
}

/** The conversation if the scope may see it; otherwise `not_found`, as if it did not exist. */
export function visibleOrNotFound<C extends ConversationsTable>(
  scope: ConversationScope,
  conversation: C | undefined,
): C {
  if (!conversation || !mayView(scope, conversation)) throw notFound('Conversation');
  return conversation;
}

/** The assignee a tab of the inbox lists: mine, nobody's, or anyone's. */
function assigneeFilter(actor: Actor, view: InboxView | undefined) {
  if (view === 'unassigned') return { assigneeId: null };
  // Only agents have an inbox (the routes and events are theirs); '' is nobody's id.
  if (view === 'mine') return { assigneeId: actor.kind === 'agent' ? actor.id : '' };
  return {};
}
