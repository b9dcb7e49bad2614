import type { Kysely } from 'kysely';

/**
 * "Require verified identity" (issue 11): a site that sets it refuses `Parley.identify` calls
 * whose hash is missing or wrong, instead of keeping the id as an unverified claim. A column of
 * its own, not in `tracking_settings`, because it guards access rather than tracking.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('identity_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sites').dropColumn('identity_required').execute();
}
