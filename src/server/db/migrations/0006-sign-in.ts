import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * Signing in safely: an agent's TOTP secret, the last time step used, recovery codes, and
 * password-reset links.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Base32; set at setup, in use once totp_enabled_at is set too.
  await db.schema.alterTable('agents').addColumn('totp_secret', 'varchar(64)').execute();
  await db.schema.alterTable('agents').addColumn('totp_enabled_at', 'varchar(32)').execute();
  // The 30-second step of the last code accepted: a code is good once.
  await db.schema.alterTable('agents').addColumn('totp_last_step', 'integer').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('agent_id', 'varchar(36)', (c) => c.notNull())
    // SHA-256 of the code; the code itself is shown once and never stored.
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .addForeignKeyConstraint('recovery_codes_agent_id_fk', ['agent_id'], 'agents', ['id'])
    .$call(await tableOptions(db))
    .execute();

  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('agent_id', 'varchar(36)', (c) => c.notNull())
    // SHA-256 of the emailed link's token.
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .addForeignKeyConstraint('password_resets_agent_id_fk', ['agent_id'], 'agents', ['id'])
    .$call(await tableOptions(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('password_resets').execute();
  await db.schema.dropTable('recovery_codes').execute();
  for (const column of ['totp_last_step', 'totp_enabled_at', 'totp_secret']) {
    await db.schema.alterTable('agents').dropColumn(column).execute();
  }
}
