import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * The origins a site's widget was recently refused on: what the owner sees next to "Allow" when a
 * shop embeds the widget before adding its origin. A few rows per site (the service trims them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('refused_origins')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
    // An exact browser origin, `scheme://host[:port]`; at most 255 characters, as the route checks.
    .addColumn('origin', 'varchar(255)', (c) => c.notNull())
    .addColumn('first_refused_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_refused_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('refusals', 'integer', (c) => c.notNull())
    .addForeignKeyConstraint('refused_origins_org_fk', ['org_id'], 'organizations', ['id'])
    .addForeignKeyConstraint('refused_origins_site_fk', ['site_id'], 'sites', ['id'])
    .addUniqueConstraint('refused_origins_site_origin', ['site_id', 'origin'])
    .$call(await tableOptions(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refused_origins').execute();
}
