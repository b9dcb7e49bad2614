import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * Live translation (issue 12): each message's translations (one row per language, pending until
 * the provider answers), a cache of what the provider said (by organization, provider, language
 * pair, glossary version and text), the organization's glossary, and its provider settings.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('message_translations')
    // Backup and migrate-data page through a table by one key column: `id` is that key.
    .addColumn('id', 'varchar(36)', (c) => c.notNull())
    .addColumn('message_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('language', 'varchar(35)', (c) => c.notNull())
    // 'pending', 'done' or 'failed'.
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('provider', 'varchar(32)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_translations_pk', ['message_id', 'language'])
    .addForeignKeyConstraint('message_translations_message_fk', ['message_id'], 'messages', ['id'])
    .$call(await tableOptions(db))
    .execute();
  await db.schema
    .createIndex('message_translations_id')
    .on('message_translations')
    .column('id')
    .unique()
    .execute();
  // A conversation's translations, for its pages.
  await db.schema
    .createIndex('message_translations_conversation')
    .on('message_translations')
    .columns(['conversation_id', 'language'])
    .execute();
  await db.schema
    .createTable('translation_cache')
    // sha256 hex of org, provider, source, target, glossary version and text.
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .$call(await tableOptions(db))
    .execute();
  await db.schema
    .createIndex('translation_cache_org')
    .on('translation_cache')
    .columns(['org_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('glossary_terms')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('term', 'varchar(100)', (c) => c.notNull())
    // Null: never translated.
    .addColumn('translation', 'varchar(100)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('glossary_terms_org_fk', ['org_id'], 'organizations', ['id'])
    .$call(await tableOptions(db))
    .execute();
  await db.schema
    .createIndex('glossary_terms_org_term')
    .on('glossary_terms')
    .columns(['org_id', 'term'])
    .unique()
    .execute();
  // JSON: { provider, url, key, model }; null: none chosen.
  await db.schema.alterTable('organizations').addColumn('translation_settings', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('translation_settings').execute();
  // A table's indexes go with it. Dropping glossary_terms_org_term first fails on MariaDB: its
  // foreign key to organizations uses that index.
  await db.schema.dropTable('glossary_terms').execute();
  await db.schema.dropTable('translation_cache').execute();
  await db.schema.dropTable('message_translations').execute();
}
