import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * Transfers: a conversation handed to another agent or to a department, waiting for the target to
 * accept until `expires_at`. The note and each step are messages on the conversation's timeline;
 * this row is what accepting (once, by one agent) and expiring decide on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('transfers')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('from_agent_id', 'varchar(36)')
    // Exactly one of the two targets is set.
    .addColumn('to_agent_id', 'varchar(36)')
    .addColumn('to_department_id', 'varchar(36)')
    // 'requested', 'accepted', 'expired' or 'cancelled'.
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('accepted_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('decided_at', 'varchar(32)')
    .addForeignKeyConstraint('transfers_org_fk', ['org_id'], 'organizations', ['id'])
    .addForeignKeyConstraint('transfers_conversation_fk', ['conversation_id'], 'conversations', [
      'id',
    ])
    .$call(await tableOptions(db))
    .execute();
  // A conversation's transfer still waiting; an organization's waiting ones (an agent's list).
  await db.schema
    .createIndex('transfers_conversation_status')
    .on('transfers')
    .columns(['conversation_id', 'status'])
    .execute();
  await db.schema
    .createIndex('transfers_org_status')
    .on('transfers')
    .columns(['org_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('transfers').execute();
}
