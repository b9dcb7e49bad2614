import { Migrator, NO_MIGRATIONS, type Kysely } from 'kysely';
import { listTables } from './dialect';
import { migrations } from './migrations/index';
import { StoreError } from './store-error';

// Kysely's default names; SQLite installations made before PostgreSQL and MySQL came have them.
const MIGRATION_TABLE = 'kysely_migration';
const MIGRATION_LOCK_TABLE = 'kysely_migration_lock';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Every migration this version of Parley knows, in the order they run. */
export const KNOWN_MIGRATIONS = Object.keys(migrations).sort();

function migrator(db: AnyDb): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * The migrations applied to a database, after making sure Parley may use it: a database that
 * holds tables but no Parley migrations is another application's, and one with migrations this
 * version does not know was migrated by a newer Parley. Either is refused before anything is
 * written. An empty database has none applied.
 */
export async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const tables = await listTables(db);
  if (!tables.includes(MIGRATION_TABLE)) {
    const foreign = tables.filter((t) => t !== MIGRATION_LOCK_TABLE);
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ', …' : '');
      throw new StoreError(
        'database_foreign',
        `the database already holds tables that are not Parley's (${shown}): give Parley an empty database of its own`,
      );
    }
    return [];
  }
  const rows = await db.selectFrom(MIGRATION_TABLE).select('name').execute();
  const applied = rows.map((r) => String(r.name)).sort();
  const unknown = applied.filter((name) => !KNOWN_MIGRATIONS.includes(name));
  if (unknown.length > 0) {
    throw new StoreError(
      'database_newer',
      `a newer Parley has migrated this database (migration ${unknown.join(', ')} is unknown to this version): run that version or a newer one`,
    );
  }
  return applied;
}

/** Applies every pending migration, after the checks of `appliedMigrations`. */
export async function migrateToLatest(db: AnyDb): Promise<void> {
  await appliedMigrations(db);
  const { error } = await migrator(db).migrateToLatest();
  if (error) throw error;
}

/** Migrates up (or down) to exactly `name`; `undefined` undoes every migration. */
export async function migrateTo(db: AnyDb, name: string | undefined): Promise<void> {
  await appliedMigrations(db);
  const { error } = await migrator(db).migrateTo(name ?? NO_MIGRATIONS);
  if (error) throw error;
}
