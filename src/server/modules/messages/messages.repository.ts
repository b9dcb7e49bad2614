import type { Db } from '../../db/database';
import type { MessagesTable } from '../../db/schema';

/** Message rows: written once, never changed. Scoped by the conversation or author that owns them. */
export class MessagesRepository {
  /** `db` may be the store or a transaction of it. */
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): MessagesRepository {
    return new MessagesRepository(trx);
  }

  async insert(row: MessagesTable): Promise<void> {
    await this.db.insertInto('messages').values(row).execute();
  }

  /** An author's earlier message with this client id in the conversation (a retry). */
  findByClientId(
    conversationId: string,
    authorId: string,
    clientId: string,
  ): Promise<MessagesTable | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('author_id', '=', authorId)
      .where('client_id', '=', clientId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
  }

  /** A visitor's earlier message with this client id, in any of its conversations (a retry). */
  findVisitorMessageByClientId(
    visitorId: string,
    clientId: string,
  ): Promise<MessagesTable | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('author_id', '=', visitorId)
      .where('client_id', '=', clientId)
      .where('author_type', '=', 'visitor')
      .executeTakeFirst();
  }

  /** Messages after `afterSeq` in seq order, at most `limit`; notes only when asked for. */
  after(
    conversationId: string,
    afterSeq: number,
    limit: number,
    includeInternal: boolean,
  ): Promise<MessagesTable[]> {
    let query = this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', afterSeq);
    if (!includeInternal) query = query.where('internal', '=', 0);
    return query.orderBy('seq', 'asc').limit(limit).execute();
  }
}
