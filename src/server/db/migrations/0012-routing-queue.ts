import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * An organization's routing state: round-robin's place for the conversations no department takes
 * (the agent assigned last, as departments.last_assigned_agent_id is a department's), and the row
 * every routing decision of the organization locks first. A table of its own, not a column of
 * `organizations`: nothing references it, so holding its lock never makes the foreign-key checks
 * of new conversations and messages wait (PostgreSQL and MySQL lock the parent row for those).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('org_routing')
    .addColumn('org_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('last_assigned_agent_id', 'varchar(36)')
    .addForeignKeyConstraint('org_routing_org_id_fk', ['org_id'], 'organizations', ['id'])
    .$call(await tableOptions(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('org_routing').execute();
}
