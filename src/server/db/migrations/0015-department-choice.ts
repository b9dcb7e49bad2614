import type { Kysely } from 'kysely';

/**
 * The department a visitor picked in the pre-chat form. Kept on the visitor, since the choice
 * comes before the conversation exists; the conversation takes it when it opens (when it is still
 * valid and offered).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').addColumn('chosen_department_id', 'varchar(36)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').dropColumn('chosen_department_id').execute();
}
