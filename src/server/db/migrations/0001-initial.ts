import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

// Migrations are frozen history: they take Kysely<unknown> and never import the live schema types.
//
// Shipped first on SQLite only; PostgreSQL and MySQL run it from the start. Foreign keys are table
// constraints because MySQL 8 parses and ignores a REFERENCES written inside a column definition;
// on SQLite either form enforces the same rule. `tableOptions` gives MySQL/MariaDB tables their
// engine, charset and byte-exact collation; on the other engines it adds nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  const options = await tableOptions(db);

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .$call(options)
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('widget_key', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('allowed_origins', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('sites_org_id_fk', ['org_id'], 'organizations', ['id'])
    .$call(options)
    .execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(120)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('agents_org_id_fk', ['org_id'], 'organizations', ['id'])
    .$call(options)
    .execute();
  await db.schema.createIndex('agents_org').on('agents').column('org_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('agent_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('sessions_agent_id_fk', ['agent_id'], 'agents', ['id'])
    .$call(options)
    .execute();

  await db.schema
    .createTable('visitors')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(120)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('visitors_site_id_fk', ['site_id'], 'sites', ['id'])
    .$call(options)
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visitor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('assignee_id', 'varchar(36)')
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_body', 'varchar(200)')
    .addColumn('last_message_author', 'varchar(16)')
    .addColumn('last_message_at', 'varchar(32)')
    .addColumn('agent_unread_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('agent_read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('visitor_read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('resolved_at', 'varchar(32)')
    .addForeignKeyConstraint('conversations_site_id_fk', ['site_id'], 'sites', ['id'])
    .addForeignKeyConstraint('conversations_visitor_id_fk', ['visitor_id'], 'visitors', ['id'])
    .addForeignKeyConstraint('conversations_assignee_id_fk', ['assignee_id'], 'agents', ['id'])
    .$call(options)
    .execute();
  await db.schema
    .createIndex('conversations_org_status_updated')
    .on('conversations')
    .columns(['org_id', 'status', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('conversations_visitor')
    .on('conversations')
    .columns(['visitor_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('client_id', 'varchar(64)')
    .addColumn('author_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('author_id', 'varchar(36)')
    .addColumn('author_name', 'varchar(120)')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    // Delivery invariants 2 and 3: a retried client id never duplicates; seq is unique and ordered.
    // Client ids are unique per author, so one side can never collide with (or probe) the other's.
    .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
    .addUniqueConstraint('messages_author_client_id', ['author_id', 'client_id', 'conversation_id'])
    .addForeignKeyConstraint('messages_conversation_id_fk', ['conversation_id'], 'conversations', [
      'id',
    ])
    .$call(options)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['messages', 'conversations', 'visitors', 'sessions', 'agents', 'sites']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropTable('organizations').execute();
}
