import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database';
import type { ConversationsTable, MessagesTable } from '../../db/schema';
import { inTransaction } from '../../db/transaction';
import type { DomainEvents } from '../../domain-events';
import { notFound } from '../../errors';
import { now } from '../../tokens';
import { SYNC_PAGE_CHARS, SYNC_PAGE_SIZE } from '../../../protocol/limits';
import type {
  Conversation,
  ConversationListQuery,
  ConversationPage,
  ConversationStatus,
  Message,
  SyncResult,
  VisitorConversation,
} from '../../../protocol/schemas';
import type { AgentIdentity } from '../auth/auth.service';
import type { VisitorIdentity } from '../visitors/visitors.service';
import { ConversationsRepository, type ConversationView } from './conversations.repository';
import { decodeCursor, encodeCursor } from './list-cursor';
import { TypingGate } from './typing-gate';
import type { VisitorAdmission } from './visitor-admission';
import { preview, toConversation, toMessage, toVisitorConversation } from './presenters';

/** A committed message and its conversation as the same transaction left it. */
interface Appended {
  message: MessagesTable;
  conversation: ConversationView;
}

export interface NewMessage {
  clientId: string;
  body: string;
}

/** A visitor request names its conversation, or means its current one. */
export interface VisitorTarget {
  conversationId?: string | undefined;
}

/**
 * The rules of conversations and their messages. Every write commits first and emits its domain
 * events after; an acknowledgement therefore always means "stored" (delivery invariant 1).
 */
export class ConversationsService {
  private readonly repo: ConversationsRepository;
  /** Typing reports reach others coalesced: a few changes a second at most, per writer. */
  private readonly typing = new TypingGate();

  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
    private readonly admission: VisitorAdmission,
  ) {
    this.repo = new ConversationsRepository(db);
  }

  /**
   * A visitor writes, within its limits (nothing is stored when over them). The first message
   * opens a conversation; a message to a resolved one reopens it. A client id seen before
   * returns the stored message and changes nothing (invariant 2).
   */
  async sendVisitorMessage(
    visitor: VisitorIdentity,
    input: NewMessage & VisitorTarget,
  ): Promise<Message> {
    await this.admission.admitMessage(visitor);
    if (!(await this.repo.visitorHasConversation(visitor.id))) {
      await this.admission.admitConversation(visitor);
    }
    const outcome = await inTransaction(
      this.db,
      async (trx) => {
        const repo = this.repo.withTransaction(trx);
        const at = now();
        await repo.lockVisitor(visitor.id, at);
        const existing = await repo.findVisitorMessageByClientId(visitor.id, input.clientId);
        if (existing) return { message: existing };

        const current = await this.visitorConversation(repo, visitor, input);
        // Its status is read under the lock: a resolve committed a moment ago must reopen it.
        const conversation = current
          ? await repo.lock(current.id)
          : await this.open(repo, visitor, at);
        const appended = await this.append(repo, conversation, at, {
          client_id: input.clientId,
          author_type: 'visitor',
          author_id: visitor.id,
          author_name: visitor.name,
          body: input.body,
          internal: 0,
        });
        return { ...appended, opened: !current };
      },
      { retryOnDuplicate: true },
    );
    if ('conversation' in outcome) this.announce(visitor.orgId, outcome, outcome.opened);
    return toMessage(outcome.message);
  }

  /** An agent of the conversation's organization writes a reply or, with `internal`, a note. */
  async sendAgentMessage(
    agent: AgentIdentity,
    conversationId: string,
    input: NewMessage & { internal: boolean },
  ): Promise<Message> {
    const outcome = await inTransaction(
      this.db,
      async (trx) => {
        const repo = this.repo.withTransaction(trx);
        const conversation = await repo.findForOrg(agent.orgId, conversationId);
        if (!conversation) throw notFound('Conversation');
        const existing = await repo.findMessageByClientId(
          conversation.id,
          agent.id,
          input.clientId,
        );
        if (existing) return { message: existing };
        return this.append(repo, conversation, now(), {
          client_id: input.clientId,
          author_type: 'agent',
          author_id: agent.id,
          author_name: agent.name,
          body: input.body,
          internal: input.internal ? 1 : 0,
        });
      },
      { retryOnDuplicate: true },
    );
    if ('conversation' in outcome) this.announce(agent.orgId, outcome, false);
    return toMessage(outcome.message);
  }

  /** A page of the organization's conversations; `nextCursor` leads to the next one. */
  async listForAgent(
    agent: AgentIdentity,
    query: ConversationListQuery,
  ): Promise<ConversationPage> {
    const statuses: ConversationStatus[] =
      query.status === 'open' ? ['open', 'pending'] : ['resolved'];
    const filter = query.status === 'blocked' ? ({ blocked: true } as const) : { statuses };
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.repo.listForOrg(agent.orgId, filter, cursor, query.limit + 1);
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

  /** Tells agents a visitor's conversations changed around it (blocked or unblocked). */
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

  async getForAgent(agent: AgentIdentity, conversationId: string): Promise<Conversation> {
    return toConversation(await this.agentConversation(agent, conversationId));
  }

  /** Messages after `afterSeq`, notes included: the resume step of an agent client (invariant 4). */
  async syncForAgent(
    agent: AgentIdentity,
    conversationId: string,
    afterSeq: number,
  ): Promise<SyncResult<Conversation>> {
    const conversation = await this.agentConversation(agent, conversationId);
    return {
      conversation: toConversation(conversation),
      ...(await this.page(conversation.id, afterSeq, true)),
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
      ...(await this.page(conversation.id, target.afterSeq, false)),
    };
  }

  /**
   * Resolves an open conversation; resolving a resolved one changes nothing. Read and write hold
   * the row lock, so agents resolving at once resolve (and announce) it once.
   */
  async resolve(agent: AgentIdentity, conversationId: string): Promise<Conversation> {
    const changed = await inTransaction(this.db, async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const conversation = await this.lockedForAgent(repo, agent, conversationId);
      if (conversation.status === 'resolved') return false;
      const at = now();
      await repo.update(conversation.id, { status: 'resolved', resolved_at: at, updated_at: at });
      return true;
    });
    if (!changed) return this.getForAgent(agent, conversationId);
    return this.announceUpdate(agent.orgId, conversationId);
  }

  /**
   * The agents have read up to `seq`: clears their unread count and shows the visitor "read".
   * Under the row lock, so a read seq never goes back and the count misses no message that a
   * visitor sends meanwhile.
   */
  async markReadByAgent(agent: AgentIdentity, conversationId: string, seq: number): Promise<void> {
    const changed = await inTransaction(this.db, async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const conversation = await this.lockedForAgent(repo, agent, conversationId);
      const readSeq = Math.min(seq, conversation.last_seq);
      if (readSeq <= conversation.agent_read_seq) return false;
      const unread = await repo.countVisitorMessagesAfter(conversation.id, readSeq);
      await repo.update(conversation.id, { agent_read_seq: readSeq, agent_unread_count: unread });
      return true;
    });
    if (changed) await this.announceUpdate(agent.orgId, conversationId);
  }

  async markReadByVisitor(
    visitor: VisitorIdentity,
    target: VisitorTarget & { seq: number },
  ): Promise<void> {
    const changedId = await inTransaction(this.db, async (trx) => {
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
          by: { type: 'visitor' },
          typing,
        }),
      ticket,
    );
  }

  async agentTyping(agent: AgentIdentity, conversationId: string, typing: boolean): Promise<void> {
    const ticket = this.typing.ticket();
    const conversation = await this.agentConversation(agent, conversationId);
    this.typing.report(
      `agent:${agent.id}:${conversation.id}`,
      typing,
      (state) =>
        this.events.emit('typing.changed', {
          orgId: agent.orgId,
          visitorId: conversation.visitor_id,
          conversationId: conversation.id,
          by: { type: 'agent', name: agent.name },
          typing: state,
        }),
      ticket,
    );
  }

  close(): void {
    this.typing.close();
  }

  /** The named conversation if it is the visitor's own, else its current one (maybe none yet). */
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

  private async agentConversation(
    agent: AgentIdentity,
    conversationId: string,
  ): Promise<ConversationView> {
    const conversation = await this.repo.findForOrg(agent.orgId, conversationId);
    if (!conversation) throw notFound('Conversation');
    return conversation;
  }

  private async lockedForAgent(
    repo: ConversationsRepository,
    agent: AgentIdentity,
    conversationId: string,
  ): Promise<ConversationsTable> {
    const conversation = await repo.lockForOrg(agent.orgId, conversationId);
    if (!conversation) throw notFound('Conversation');
    return conversation;
  }

  private async open(
    repo: ConversationsRepository,
    visitor: VisitorIdentity,
    at: string,
  ): Promise<ConversationView> {
    const row = {
      id: randomUUID(),
      org_id: visitor.orgId,
      site_id: visitor.siteId,
      visitor_id: visitor.id,
      status: 'open' as const,
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
    };
    await repo.insert(row);
    return { ...row, visitor_name: visitor.name, visitor_blocked_at: null };
  }

  /** One message: the next seq, the list preview, then the row (invariant 3). */
  private async append(
    repo: ConversationsRepository,
    target: Pick<ConversationsTable, 'id' | 'org_id' | 'status'>,
    at: string,
    fields: Pick<
      MessagesTable,
      'client_id' | 'author_type' | 'author_id' | 'author_name' | 'body' | 'internal'
    >,
  ): Promise<Appended> {
    // A visitor's message is unread by agents and reopens a resolved conversation; an agent's
    // message means the agents have read everything before it.
    const fromVisitor = fields.author_type === 'visitor';
    const reopen = fromVisitor && target.status === 'resolved';
    const conversation = await repo.allocateSeq(
      target.id,
      {
        ...(reopen ? { status: 'open' as const, resolved_at: null } : {}),
        updated_at: at,
        last_message_at: at,
        last_message_body: preview(fields.body),
        last_message_author: fields.author_type,
      },
      fromVisitor ? 'increment' : 'clear',
    );
    const row: MessagesTable = {
      id: randomUUID(),
      org_id: target.org_id,
      conversation_id: target.id,
      seq: conversation.last_seq,
      created_at: at,
      ...fields,
    };
    await repo.insertMessage(row);
    return { message: row, conversation };
  }

  /** Messages after `afterSeq`: at most SYNC_PAGE_SIZE, and about SYNC_PAGE_CHARS of text. */
  private async page(conversationId: string, afterSeq: number, includeInternal: boolean) {
    const rows = await this.repo.messagesAfter(
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
    return { messages: rows.slice(0, count).map(toMessage), hasMore: rows.length > count };
  }

  /** Tells who may hear of a committed message, from the state the transaction left. */
  private announce(
    orgId: string,
    { message, conversation: view }: Appended,
    opened: boolean,
  ): void {
    const conversation = toConversation(view);
    const visitorId = view.visitor_id;
    if (opened) this.events.emit('conversation.created', { orgId, visitorId, conversation });
    this.events.emit('message.created', { orgId, visitorId, message: toMessage(message) });
    if (opened) return;
    // A private note changes the conversation for agents only; the visitor must not learn of it.
    const agentsOnly = message.internal === 1;
    this.events.emit('conversation.updated', { orgId, visitorId, conversation, agentsOnly });
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
