import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * The durable event log: every change others react to (a message appended, a conversation opened,
 * resolved or reopened, a visitor blocked…), written in the same transaction as the change, with
 * who did it and when. Reports, webhooks and the audit log read it; it is never updated.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('events')
    // A UUIDv7 (core/sortable-id.ts): sorts in the order the events were written.
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    // visitor, agent, bot, system or token; the id is null for the system.
    .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(64)')
    .addColumn('conversation_id', 'varchar(36)')
    .addColumn('visitor_id', 'varchar(36)')
    // Small JSON: ids and numbers that say what changed, never message bodies.
    .addColumn('data', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('events_org_id_fk', ['org_id'], 'organizations', ['id'])
    .$call(await tableOptions(db))
    .execute();
  // Ids are UUIDv7s, which sort by time: readers page through the log by id.
  await db.schema.createIndex('events_org_id').on('events').columns(['org_id', 'id']).execute();
  await db.schema
    .createIndex('events_conversation_id')
    .on('events')
    .columns(['conversation_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Dropping the table drops its indexes. Dropping events_org_id first fails on MySQL: it serves
  // the events → organizations key, whose own index MySQL dropped when this one was made.
  await db.schema.dropTable('events').execute();
}
