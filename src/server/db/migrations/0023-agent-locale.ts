import type { Kysely } from 'kysely';

/** The console language an agent picked in Profile; null: their browser's. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agents').addColumn('locale', 'varchar(35)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agents').dropColumn('locale').execute();
}
