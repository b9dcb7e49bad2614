import type { Kysely } from 'kysely';

/**
 * Presence: when each agent last did something in the console. An online agent idle longer than
 * the organization's `awayAfterMinutes` shows as away; every node reads the same column, so the
 * activity counts wherever the agent's tab is connected.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agents').addColumn('active_at', 'varchar(32)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agents').dropColumn('active_at').execute();
}
