import type { Db } from '../../db/database';
import { engineOf, hasRowLocks } from '../../db/dialect';
import type { JobsTable, SchedulesTable } from '../../db/schema';
import { inTransaction } from '../../db/transaction';

/** A job as its worker holds it: `attempts` counts this run, and names the lease with `lockedBy`. */
export interface ClaimedJob {
  id: string;
  orgId: string | null;
  type: string;
  payload: string;
  attempts: number;
  maxAttempts: number;
  lockedBy: string;
}

/** A job that gave up, as owners and admins see it. */
export interface FailedJobRow {
  id: string;
  type: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * The queue's SQL. Every change of a running job is a compare-and-set on (id, status, locked_by,
 * attempts): a worker whose lease expired and whose job another worker took since changes
 * nothing, so the newer run alone decides the job's fate.
 */
export class JobsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts the job in `trx` (the caller's transaction, so the job commits with the change that
   * caused it) and returns its id — or, when a job with the same dedupe key exists, that one's id.
   * ON CONFLICT / ON DUPLICATE KEY instead of catching the violation, which on PostgreSQL would
   * abort the caller's whole transaction.
   */
  async insert(trx: Db, row: JobsTable): Promise<string> {
    const insert = trx.insertInto('jobs').values(row);
    if (row.dedupe_key === null) {
      await insert.execute();
      return row.id;
    }
    await (
      engineOf(trx) === 'mysql'
        ? insert.onDuplicateKeyUpdate({ dedupe_key: (eb) => eb.ref('dedupe_key') })
        : insert.onConflict((oc) => oc.column('dedupe_key').doNothing())
    ).execute();
    // A locking read sees the newest committed row, even in a MySQL REPEATABLE READ snapshot.
    let query = trx.selectFrom('jobs').select('id').where('dedupe_key', '=', row.dedupe_key);
    if (hasRowLocks(trx)) query = query.forUpdate();
    return (await query.executeTakeFirstOrThrow()).id;
  }

  /**
   * Takes the oldest due job of one of `types`, or none. PostgreSQL and MariaDB/MySQL lock the row
   * with SKIP LOCKED, so concurrent workers take different jobs instead of queueing behind one
   * row; SQLite (one writer) takes it in one UPDATE that re-checks the status.
   */
  async claim(
    types: readonly string[],
    now: number,
    leaseUntil: number,
    worker: string,
  ): Promise<ClaimedJob | undefined> {
    if (types.length === 0) return undefined;
    const lease = { status: 'running' as const, locked_until: leaseUntil, locked_by: worker };
    if (!hasRowLocks(this.db)) {
      const row = await this.db
        .updateTable('jobs')
        .set((eb) => ({ ...lease, attempts: eb('attempts', '+', 1) }))
        .where('status', '=', 'queued')
        .where('id', '=', (eb) =>
          eb
            .selectFrom('jobs')
            .select('id')
            .where('status', '=', 'queued')
            .where('run_at', '<=', now)
            .where('type', 'in', types)
            .orderBy('run_at')
            .orderBy('id')
            .limit(1),
        )
        .returningAll()
        .executeTakeFirst();
      return row && toClaimed(row);
    }
    return inTransaction(this.db, async (trx) => {
      const row = await trx
        .selectFrom('jobs')
        .selectAll()
        .where('status', '=', 'queued')
        .where('run_at', '<=', now)
        .where('type', 'in', types)
        .orderBy('run_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return undefined;
      const attempts = row.attempts + 1;
      await trx
        .updateTable('jobs')
        .set({ ...lease, attempts })
        .where('id', '=', row.id)
        .execute();
      return toClaimed({ ...row, ...lease, attempts });
    });
  }

  /** Moves the lease of a job this worker still holds; false when it holds it no more. */
  async extendLease(job: ClaimedJob, until: number): Promise<boolean> {
    return this.changeHeld(job, { locked_until: until });
  }

  async markDone(job: ClaimedJob, at: string): Promise<boolean> {
    return this.changeHeld(job, {
      status: 'done',
      locked_until: null,
      locked_by: null,
      finished_at: at,
    });
  }

  async markRetry(job: ClaimedJob, runAt: number, error: string): Promise<boolean> {
    return this.changeHeld(job, {
      status: 'queued',
      run_at: runAt,
      locked_until: null,
      locked_by: null,
      last_error: error,
    });
  }

  async markFailed(job: ClaimedJob, error: string, at: string): Promise<boolean> {
    return this.changeHeld(job, {
      status: 'failed',
      locked_until: null,
      locked_by: null,
      last_error: error,
      finished_at: at,
    });
  }

  private async changeHeld(job: ClaimedJob, changes: Partial<JobsTable>): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set(changes)
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .where('locked_by', '=', job.lockedBy)
      .where('attempts', '=', job.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Running jobs whose worker stopped renewing the lease (it was killed, or lost the database),
   * as their worker held them: the caller settles each with markRetry or markFailed, which only
   * one node's compare-and-set wins.
   */
  async expiredLeases(now: number, limit: number): Promise<ClaimedJob[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'running')
      .where('locked_until', '<', now)
      .limit(limit)
      .execute();
    return rows.map(toClaimed);
  }

  /** Jobs waiting to run (due or backing off), in the whole database. */
  async countQueued(): Promise<number> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** An organization's failed jobs, newest first, `limit` of them before the id `before`. */
  async failedPage(orgId: string, before: string | undefined, limit: number) {
    let query = this.db
      .selectFrom('jobs')
      .select(['id', 'type', 'attempts', 'last_error', 'created_at', 'finished_at'])
      .where('org_id', '=', orgId)
      .where('status', '=', 'failed');
    if (before !== undefined) query = query.where('id', '<', before);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r): FailedJobRow => ({
      id: r.id,
      type: r.type,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    }));
  }

  /** Deletes finished jobs older than `before` (ISO), at most `limit` of them; returns how many. */
  async pruneFinished(status: 'done' | 'failed', before: string, limit: number): Promise<number> {
    const ids = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', status)
      .where('finished_at', '<', before)
      .limit(limit)
      .execute();
    if (ids.length === 0) return 0;
    const result = await this.db
      .deleteFrom('jobs')
      .where(
        'id',
        'in',
        ids.map((r) => r.id),
      )
      .where('status', '=', status)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Creates a schedule, or updates its job and interval, keeping when it next runs. */
  async upsertSchedule(row: SchedulesTable): Promise<void> {
    const changes = { type: row.type, payload: row.payload, interval_ms: row.interval_ms };
    const insert = this.db.insertInto('schedules').values(row);
    await (
      engineOf(this.db) === 'mysql'
        ? insert.onDuplicateKeyUpdate(changes)
        : insert.onConflict((oc) => oc.column('name').doUpdateSet(changes))
    ).execute();
  }

  async dueSchedules(names: readonly string[], now: number): Promise<SchedulesTable[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('name', 'in', names)
      .where('next_run_at', '<=', now)
      .execute();
    return rows.map((r) => ({
      ...r,
      interval_ms: Number(r.interval_ms),
      next_run_at: Number(r.next_run_at),
    }));
  }

  /**
   * Moves a schedule from `expected` to `next`, in `trx`: true for the one node whose update found
   * `expected` still there. PostgreSQL and MySQL make a concurrent update wait for the first one
   * and re-read the row, which by then no longer matches; SQLite has one writer.
   */
  async advanceSchedule(trx: Db, name: string, expected: number, next: number): Promise<boolean> {
    const result = await trx
      .updateTable('schedules')
      .set({ next_run_at: next })
      .where('name', '=', name)
      .where('next_run_at', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

function toClaimed(row: JobsTable): ClaimedJob {
  return {
    id: row.id,
    orgId: row.org_id,
    type: row.type,
    payload: row.payload,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by!,
  };
}
