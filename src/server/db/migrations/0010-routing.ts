import type { Kysely } from 'kysely';
import { dropIndex, engineOf, tableOptions } from '../dialect';

/**
 * Routing: departments and their agents, each agent's presence, capacity and languages, a site's
 * default department, an organization's routing settings, and what a conversation needs to be
 * queued and assigned. Structured timeline entries (why this agent, transfers, joins) ride on a
 * message's `meta`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('departments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    // 'round_robin' or 'least_busy'.
    .addColumn('strategy', 'varchar(16)', (c) => c.notNull().defaultTo('round_robin'))
    // Round-robin's place: the agent assigned last; the next one after it in id order is next.
    .addColumn('last_assigned_agent_id', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    // Set once deleted: it takes no new conversations; the ones it had stay.
    .addColumn('deleted_at', 'varchar(32)')
    .addForeignKeyConstraint('departments_org_id_fk', ['org_id'], 'organizations', ['id'])
    .$call(await tableOptions(db))
    .execute();

  await db.schema
    .createTable('agent_departments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('agent_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('department_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('agent_departments_member', ['agent_id', 'department_id'])
    .addForeignKeyConstraint('agent_departments_agent_fk', ['agent_id'], 'agents', ['id'])
    .addForeignKeyConstraint('agent_departments_dept_fk', ['department_id'], 'departments', ['id'])
    .$call(await tableOptions(db))
    .execute();
  await db.schema
    .createIndex('agent_departments_department')
    .on('agent_departments')
    .column('department_id')
    .execute();

  // What routing reads: 'online', 'away' or 'offline', kept by the presence service.
  await db.schema
    .alterTable('agents')
    .addColumn('presence', 'varchar(8)', (c) => c.notNull().defaultTo('offline'))
    .execute();
  // What the agent chose in the header: 'online', 'away' or 'offline'.
  await db.schema
    .alterTable('agents')
    .addColumn('chosen_status', 'varchar(8)', (c) => c.notNull().defaultTo('online'))
    .execute();
  await db.schema
    .alterTable('agents')
    .addColumn('max_chats', 'integer', (c) => c.notNull().defaultTo(5))
    .execute();
  // JSON array of BCP 47 tags the agent speaks; null: none given.
  await db.schema.alterTable('agents').addColumn('languages', 'text').execute();

  await db.schema.alterTable('sites').addColumn('default_department_id', 'varchar(36)').execute();
  // JSON RoutingSettings; null: the defaults.
  await db.schema.alterTable('organizations').addColumn('routing_settings', 'text').execute();

  await db.schema.alterTable('conversations').addColumn('department_id', 'varchar(36)').execute();
  // Set while the conversation waits in its department's queue; its place is by this time.
  await db.schema.alterTable('conversations').addColumn('queued_at', 'varchar(32)').execute();
  await db.schema.alterTable('conversations').addColumn('assigned_at', 'varchar(32)').execute();
  // BCP 47; the visitor's browser language until the multilingual issue detects it.
  await db.schema.alterTable('conversations').addColumn('language', 'varchar(35)').execute();
  await db.schema
    .createIndex('conversations_department_queue')
    .on('conversations')
    .columns(['department_id', 'queued_at'])
    .execute();
  await db.schema
    .createIndex('conversations_assignee_status')
    .on('conversations')
    .columns(['assignee_id', 'status'])
    .execute();

  await db.schema.alterTable('visitors').addColumn('language', 'varchar(35)').execute();
  // JSON MessageMeta for structured timeline entries; null for plain messages.
  await db.schema.alterTable('messages').addColumn('meta', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('meta').execute();
  await db.schema.alterTable('visitors').dropColumn('language').execute();
  if (engineOf(db) === 'mysql') {
    // MySQL let conversations_assignee_status serve the assignee foreign key and dropped the
    // index it had made for it; the key needs one back before that index can go.
    await db.schema
      .createIndex('conversations_assignee_id_fk')
      .on('conversations')
      .column('assignee_id')
      .execute();
  }
  await dropIndex(db, 'conversations_assignee_status', 'conversations');
  await dropIndex(db, 'conversations_department_queue', 'conversations');
  for (const column of ['language', 'assigned_at', 'queued_at', 'department_id']) {
    await db.schema.alterTable('conversations').dropColumn(column).execute();
  }
  await db.schema.alterTable('organizations').dropColumn('routing_settings').execute();
  await db.schema.alterTable('sites').dropColumn('default_department_id').execute();
  for (const column of ['languages', 'max_chats', 'chosen_status', 'presence']) {
    await db.schema.alterTable('agents').dropColumn(column).execute();
  }
  await db.schema.dropTable('agent_departments').execute();
  await db.schema.dropTable('departments').execute();
}
