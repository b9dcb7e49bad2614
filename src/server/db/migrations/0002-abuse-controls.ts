import type { Kysely } from 'kysely';
import { dropIndex, engineOf, tableOptions } from '../dialect';

/**
 * What agents and limits need against abuse: blocking a visitor and their address, the address a
 * visitor last came from (what "block their address" blocks), and a site's own message limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').addColumn('blocked_at', 'varchar(32)').execute();
  await db.schema.alterTable('visitors').addColumn('blocked_by', 'varchar(36)').execute();
  // An IPv4 address or an IPv6 /64 (http/client-address.ts): what limits and blocks count.
  await db.schema.alterTable('visitors').addColumn('last_address', 'varchar(64)').execute();

  await db.schema
    .createTable('blocked_addresses')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('address', 'varchar(64)', (c) => c.notNull())
    // The visitor whose block blocked it: unblocking them lifts it.
    .addColumn('visitor_id', 'varchar(36)')
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('blocked_addresses_org', ['org_id'], 'organizations', ['id'])
    .addForeignKeyConstraint('blocked_addresses_visitor', ['visitor_id'], 'visitors', ['id'])
    .addUniqueConstraint('blocked_addresses_org_address', ['org_id', 'address'])
    .$call(await tableOptions(db))
    .execute();

  // null: the server-wide PARLEY_LIMIT_VISITOR_MESSAGES_PER_MINUTE applies.
  await db.schema.alterTable('sites').addColumn('visitor_messages_per_minute', 'integer').execute();

  await db.schema
    .createIndex('sessions_agent_created')
    .on('sessions')
    .columns(['agent_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (engineOf(db) === 'mysql') {
    // MySQL let sessions_agent_created serve the sessions → agents foreign key and dropped the
    // index it had made for it; the key needs one back before that index can go.
    await db.schema.createIndex('sessions_agent_id_fk').on('sessions').column('agent_id').execute();
  }
  await dropIndex(db, 'sessions_agent_created', 'sessions');
  await db.schema.alterTable('sites').dropColumn('visitor_messages_per_minute').execute();
  await db.schema.dropTable('blocked_addresses').execute();
  for (const column of ['last_address', 'blocked_by', 'blocked_at']) {
    await db.schema.alterTable('visitors').dropColumn(column).execute();
  }
}
