import type { Kysely } from 'kysely';
import { tableOptions } from '../dialect';

/**
 * The durable job queue (core/jobs): work that must happen after a commit and survive a restart,
 * claimed by one worker at a time, retried with backoff, kept as `failed` when it gives up; and
 * the periodic schedules that enqueue such jobs on exactly one node. Times the queue compares
 * (run_at, locked_until, next_run_at) are Unix milliseconds, so that a claim is one integer
 * comparison on every engine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const options = await tableOptions(db);
  await db.schema
    .createTable('jobs')
    // A UUIDv7 (core/sortable-id.ts): jobs due at the same time run in the order they were made.
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    // The organization the job works for; null for the server's own upkeep.
    .addColumn('org_id', 'varchar(36)')
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // queued, running, done or failed.
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    // While running: the lease. A worker that dies leaves it to expire, and the job is run again.
    .addColumn('locked_until', 'bigint')
    .addColumn('locked_by', 'varchar(64)')
    .addColumn('last_error', 'text')
    // At most one job per key, ever (until pruned): what makes an enqueue idempotent.
    .addColumn('dedupe_key', 'varchar(200)', (c) => c.unique())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('finished_at', 'varchar(32)')
    .$call(options)
    .execute();
  // The claim: the oldest due job of a status. Also the lease sweep (status, locked_until)
  // reads few rows, since only running jobs carry a lease.
  await db.schema
    .createIndex('jobs_status_run_at')
    .on('jobs')
    .columns(['status', 'run_at'])
    .execute();
  await db.schema
    .createIndex('jobs_org_status')
    .on('jobs')
    .columns(['org_id', 'status', 'id'])
    .execute();

  await db.schema
    .createTable('schedules')
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('interval_ms', 'bigint', (c) => c.notNull())
    // The node that moves this forward (compare-and-set) is the one that enqueues the run.
    .addColumn('next_run_at', 'bigint', (c) => c.notNull())
    .$call(options)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('schedules').execute();
  await db.schema.dropTable('jobs').execute();
}
