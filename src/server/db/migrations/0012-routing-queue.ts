import type { Kysely } from 'kysely';

/**
 * Routing's place for the conversations no department takes: round-robin over the whole team
 * starts after the agent assigned last, as a department's does (departments.last_assigned_agent_id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('organizations')
    .addColumn('routing_last_agent_id', 'varchar(36)')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('routing_last_agent_id').execute();
}
