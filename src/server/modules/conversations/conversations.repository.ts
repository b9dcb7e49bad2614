import type { Updateable } from 'kysely';
import type { Db } from '../../db/database';
import { engineOf, hasRowLocks } from '../../db/dialect';
import type { ConversationsTable } from '../../db/schema';
import type { ConversationStatus } from '../../../protocol/schemas';
import type { ListCursor } from './list-cursor';
import { visibleWhere, type ConversationScope } from './visibility';

/**
 * What a new message does to the agents' unread count: a visitor's adds one, an agent's means
 * they read everything up to it, a bot's or the system's leaves it be.
 */
export type UnreadEffect = 'increment' | 'clear' | 'keep';

/** A conversation row with its visitor's name, email and block joined in. */
export type ConversationView = ConversationsTable & {
  visitor_name: string | null;
  visitor_email: string | null;
  visitor_blocked_at: string | null;
};

/** Every query is scoped by the organization or by the visitor that owns the rows. */
export class ConversationsRepository {
  /** `db` may be the store or a transaction of it. */
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): ConversationsRepository {
    return new ConversationsRepository(trx);
  }

  private views() {
    return this.db
      .selectFrom('conversations')
      .innerJoin('visitors', 'visitors.id', 'conversations.visitor_id')
      .selectAll('conversations')
      .select([
        'visitors.name as visitor_name',
        'visitors.email as visitor_email',
        'visitors.blocked_at as visitor_blocked_at',
      ]);
  }

  /**
   * Marks the visitor seen and, in doing so, locks its row: this visitor's writers queue up on
   * PostgreSQL and MySQL, so two first messages sent at once cannot open two conversations. On
   * SQLite the transaction already serializes every writer: nothing to do.
   */
  async lockVisitor(visitorId: string, at: string): Promise<void> {
    if (!hasRowLocks(this.db)) return;
    await this.db
      .updateTable('visitors')
      .set({ last_seen_at: at })
      .where('id', '=', visitorId)
      .execute();
  }

  /**
   * The conversation's row, locked until the transaction ends, so that what is read here cannot
   * change before the transaction writes: a row lock on PostgreSQL and MySQL; on SQLite the
   * transaction already holds the only connection. Lock order: a visitor's row, then this.
   */
  lockForOrg(orgId: string, id: string): Promise<ConversationsTable | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .$if(hasRowLocks(this.db), (q) => q.forUpdate())
      .executeTakeFirst();
  }

  /**
   * A conversation the transaction has read, now under its row lock and as it is after any
   * writer that held the lock before. On SQLite what was read is already that.
   */
  async relock(view: ConversationView): Promise<ConversationView> {
    if (!hasRowLocks(this.db)) return view;
    const row = await this.lock(view.id);
    return {
      ...row,
      visitor_name: view.visitor_name,
      visitor_email: view.visitor_email,
      visitor_blocked_at: view.visitor_blocked_at,
    };
  }

  /** Like `lockForOrg`, for a conversation the caller already knows to be its own. */
  lock(id: string): Promise<ConversationsTable> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .$if(hasRowLocks(this.db), (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
  }

  findForOrg(orgId: string, id: string): Promise<ConversationView | undefined> {
    return this.views()
      .where('conversations.org_id', '=', orgId)
      .where('conversations.id', '=', id)
      .executeTakeFirst();
  }

  findForVisitor(visitorId: string, id: string): Promise<ConversationView | undefined> {
    return this.views()
      .where('conversations.visitor_id', '=', visitorId)
      .where('conversations.id', '=', id)
      .executeTakeFirst();
  }

  /** The visitor's current conversation: its newest one. */
  findLatestForVisitor(visitorId: string): Promise<ConversationView | undefined> {
    return this.views()
      .where('conversations.visitor_id', '=', visitorId)
      .orderBy('conversations.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * A page of the organization's conversations, most recently updated first (ties by id), after
   * `cursor` (the last row of the previous page). With `blocked`, only blocked visitors' ones,
   * whatever their status; without, only the others' ones in `statuses`. Only those `scope` may
   * see, and with `assigneeId` only those assigned to that agent (null: to nobody).
   */
  listForOrg(
    orgId: string,
    filter: ({ statuses: ConversationStatus[] } | { blocked: true }) & {
      scope: ConversationScope;
      assigneeId?: string | null;
    },
    cursor: ListCursor | undefined,
    limit: number,
  ): Promise<ConversationView[]> {
    let query = this.views().where('conversations.org_id', '=', orgId);
    const visible = visibleWhere(filter.scope);
    if (visible) query = query.where(visible);
    if (filter.assigneeId !== undefined) {
      query = query.where(
        'conversations.assignee_id',
        filter.assigneeId === null ? 'is' : '=',
        filter.assigneeId,
      );
    }
    query =
      'blocked' in filter
        ? query.where('visitors.blocked_at', 'is not', null)
        : query
            .where('conversations.status', 'in', filter.statuses)
            .where('visitors.blocked_at', 'is', null);
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb('conversations.updated_at', '<', cursor.updatedAt),
          eb.and([
            eb('conversations.updated_at', '=', cursor.updatedAt),
            eb('conversations.id', '<', cursor.id),
          ]),
        ]),
      );
    }
    return query
      .orderBy('conversations.updated_at', 'desc')
      .orderBy('conversations.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Every conversation of a visitor, e.g. to tell agents the visitor was blocked. */
  listForVisitor(orgId: string, visitorId: string): Promise<ConversationView[]> {
    return this.views()
      .where('conversations.org_id', '=', orgId)
      .where('conversations.visitor_id', '=', visitorId)
      .execute();
  }

  /** Open or pending conversations not updated since `before`, the longest idle first. */
  async listIdle(orgId: string, before: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('org_id', '=', orgId)
      .where('status', 'in', ['open', 'pending'])
      .where('updated_at', '<', before)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async insert(row: ConversationsTable): Promise<void> {
    await this.db.insertInto('conversations').values(row).execute();
  }

  async update(id: string, changes: Updateable<ConversationsTable>): Promise<void> {
    await this.db.updateTable('conversations').set(changes).where('id', '=', id).execute();
  }

  /**
   * Takes the next seq of a conversation and applies `changes` in the same UPDATE, then returns
   * the updated conversation (its `last_seq` is the new seq). Updating first takes the row lock
   * (PostgreSQL, MySQL), so two writers never get the same seq.
   */
  async allocateSeq(
    target: Pick<ConversationView, 'id' | 'visitor_name' | 'visitor_email' | 'visitor_blocked_at'>,
    changes: Updateable<ConversationsTable>,
    unread: UnreadEffect,
  ): Promise<ConversationView> {
    const update = this.db
      .updateTable('conversations')
      // agent_read_seq comes before last_seq: MySQL evaluates SET left to right with new values,
      // SQLite and PostgreSQL with old ones; in this order both read the old last_seq.
      .set((eb) => ({
        ...changes,
        ...(unread === 'increment' && { agent_unread_count: eb('agent_unread_count', '+', 1) }),
        ...(unread === 'clear' && {
          agent_unread_count: 0,
          agent_read_seq: eb('last_seq', '+', 1),
        }),
        last_seq: eb('last_seq', '+', 1),
      }))
      .where('id', '=', target.id);
    // The updated row in the same statement where the engine can (MySQL cannot: read it back).
    const row =
      engineOf(this.db) === 'mysql'
        ? (await update.execute(), await this.lock(target.id))
        : await update.returningAll().executeTakeFirstOrThrow();
    // The visitor's name and block, as the transaction read them with the conversation.
    return {
      ...row,
      visitor_name: target.visitor_name,
      visitor_email: target.visitor_email,
      visitor_blocked_at: target.visitor_blocked_at,
    };
  }

  /** What the visitor gave in the pre-chat form. */
  async visitorContact(visitorId: string): Promise<{ name: string | null; email: string | null }> {
    const row = await this.db
      .selectFrom('visitors')
      .select(['name', 'email'])
      .where('id', '=', visitorId)
      .executeTakeFirst();
    return { name: row?.name ?? null, email: row?.email ?? null };
  }

  /** Stores what the visitor gave; a field left out stays as it was. */
  async setVisitorContact(
    visitorId: string,
    contact: { name?: string | undefined; email?: string | undefined },
  ): Promise<void> {
    const changes = {
      ...(contact.name ? { name: contact.name } : {}),
      ...(contact.email ? { email: contact.email } : {}),
    };
    if (Object.keys(changes).length === 0) return;
    await this.db.updateTable('visitors').set(changes).where('id', '=', visitorId).execute();
  }

  /** The organization's active agents' names: assignees, @mentions, colleagues in collision. */
  activeAgents(orgId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('agents')
      .select(['id', 'name'])
      .where('org_id', '=', orgId)
      .where('deactivated_at', 'is', null)
      .orderBy('name')
      .execute();
  }

  /** Visitor messages an agent has not read: those after `seq`. */
  async countVisitorMessagesAfter(conversationId: string, seq: number): Promise<number> {
    const row = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', seq)
      .where('author_type', '=', 'visitor')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
