import type { Kysely } from 'kysely';

/**
 * Detected languages (issue 12): each message's language as detected (null: unknown, or a
 * system entry), and where the conversation's language came from — the visitor's browser until
 * their messages say otherwise with confidence ('detected').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('language', 'varchar(35)').execute();
  await db.schema
    .alterTable('conversations')
    .addColumn('language_source', 'varchar(16)', (c) => c.notNull().defaultTo('browser'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('language_source').execute();
  await db.schema.alterTable('messages').dropColumn('language').execute();
}
