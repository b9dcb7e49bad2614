import type { Kysely } from 'kysely';

/**
 * The email a visitor gives in the widget's pre-chat form (the name it gives goes in the
 * existing `name`). At most 254 characters, as the protocol checks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').addColumn('email', 'varchar(254)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').dropColumn('email').execute();
}
