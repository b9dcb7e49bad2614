import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * What the Settings pages change: a site's widget settings and its deletion (its conversations
 * stay, archived), an organization's language and time zone, deactivated agents, and invitations.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON (appearance and pre-chat form); null: the defaults. Text: MySQL gives TEXT no default.
  await db.schema.alterTable('sites').addColumn('widget_settings', 'text').execute();
  // Set when an owner or admin deleted the site: its key stops working, its conversations stay.
  await db.schema.alterTable('sites').addColumn('deleted_at', 'varchar(32)').execute();

  await db.schema
    .alterTable('organizations')
    .addColumn('default_language', 'varchar(16)')
    .execute();
  await db.schema.alterTable('organizations').addColumn('time_zone', 'varchar(64)').execute();

  // Set while deactivated: no sign-in, no session; their messages and history stay.
  await db.schema.alterTable('agents').addColumn('deactivated_at', 'varchar(32)').execute();

  await db.schema
    .createTable('invites')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    // SHA-256 of the link's token; the token itself is never stored.
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('invited_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    // Set when the link was used (or withdrawn): it never works again.
    .addColumn('used_at', 'varchar(32)')
    .addForeignKeyConstraint('invites_org_id_fk', ['org_id'], 'organizations', ['id'])
    .$call(await tableOptions(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invites').execute();
  await db.schema.alterTable('agents').dropColumn('deactivated_at').execute();
  await db.schema.alterTable('organizations').dropColumn('time_zone').execute();
  await db.schema.alterTable('organizations').dropColumn('default_language').execute();
  await db.schema.alterTable('sites').dropColumn('deleted_at').execute();
  await db.schema.alterTable('sites').dropColumn('widget_settings').execute();
}
