import type { Kysely } from 'kysely';

/**
 * An organization may require two-factor sign-in: set (to when an owner turned it on) while its
 * agents without two-factor sign-in can reach only what they need to set it up.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('organizations')
    .addColumn('two_factor_required_at', 'varchar(32)')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('two_factor_required_at').execute();
}
