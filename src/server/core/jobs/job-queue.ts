/**
 * The durable job queue: work that must happen after a commit and survive a restart (bot
 * replies, translations, emails, webhooks, retention). A job is a row in `jobs`, inserted in the
 * transaction of the change that caused it; workers on every node claim one job at a time, run
 * its handler, and mark it done — or queue it again with exponential backoff, or, after its last
 * attempt, keep it as `failed` for owners and admins to see. A worker holds a lease on the job it
 * runs and renews it while the handler works; a worker killed mid-job stops renewing, and once
 * the lease runs out another worker runs the job again. Jobs therefore run at least once, and
 * handlers must be idempotent (e.g. a message carries a client id made from the job).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HTTP_STATUS } from '../../../protocol/errors';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { AppError } from '../../errors';
import { systemClock, type Clock } from '../clock';
import type { Metrics } from '../metrics';
import { sortableId } from '../sortable-id';
import { JobsRepository, type ClaimedJob, type FailedJobRow } from './jobs.repository';

/** What the queue needs of a logger (pino's, in the app). */
export interface JobLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface JobQueueOptions {
  /** How long an idle worker waits before looking for due jobs again. */
  pollMs: number;
  /** How long a claimed job is this worker's; renewed every third of it while the handler runs. */
  leaseMs: number;
  /** Jobs this process runs at once (each worker claims one job at a time). */
  concurrency?: number;
  /** Backoff before attempt n+1: baseMs · 2^(n-1), at most maxMs. */
  backoff?: { baseMs: number; maxMs: number };
  clock?: Clock;
  log: JobLog;
  metrics?: Metrics;
}

/** A job to run: its type's handler gets `payload` (checked against the type's schema). */
export interface NewJob<T> {
  type: string;
  payload: T;
  /** The organization it works for; its owners and admins see it if it fails. */
  orgId?: string | null;
  /** Unix ms; now when unset. */
  runAt?: number;
  /** At most one job per key: enqueuing the key again returns the first job's id. */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** What a handler knows of the job it runs. */
export interface RunningJob {
  id: string;
  type: string;
  orgId: string | null;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

interface Registered {
  schema: z.ZodType;
  run: (payload: never, job: RunningJob) => Promise<void>;
}

interface Schedule {
  name: string;
  intervalMs: number;
  type: string;
  payload: unknown;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
/** The periodic job that deletes old finished jobs (see pruneFinished). */
export const PRUNE_JOB = 'jobs.prune';
const PRUNE_BATCH = 1000;
const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 60 * 60 * 1000 };
const MAX_ERROR_CHARS = 2000;

export class JobQueue {
  private readonly repository: JobsRepository;
  private readonly handlers = new Map<string, Registered>();
  private readonly schedules = new Map<string, Schedule>();
  private readonly clock: Clock;
  private readonly backoff: { baseMs: number; maxMs: number };
  /** Names this process's leases, so a late worker cannot touch a job another one took since. */
  readonly workerId = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private running = false;
  private loops: Promise<void>[] = [];
  private wakeUps = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly options: JobQueueOptions,
  ) {
    this.repository = new JobsRepository(db);
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    options.metrics?.countQueuedJobs(() => this.repository.countQueued());
  }

  /** Teaches this process to run jobs of `type`; it claims only the types it knows. */
  register<S extends z.ZodType>(
    type: string,
    schema: S,
    run: (payload: z.output<S>, job: RunningJob) => Promise<void>,
  ): void {
    if (this.handlers.has(type)) throw new Error(`job type ${type} is registered twice`);
    this.handlers.set(type, { schema, run: run as Registered['run'] });
  }

  /**
   * Records a job in `db`, which may be the caller's transaction: then the job exists if and only
   * if the caller's change commits. Returns the job's id (the existing job's, for a dedupe key
   * seen before). Throws for a type this process does not know or a payload its schema refuses.
   */
  async enqueue<T>(db: Db, job: NewJob<T>): Promise<string> {
    const handler = this.handlers.get(job.type);
    if (!handler) throw new Error(`no handler is registered for job type ${job.type}`);
    const payload = handler.schema.parse(job.payload);
    const now = this.clock.now();
    const id = await this.repository.insert(db, {
      id: sortableId(now),
      org_id: job.orgId ?? null,
      type: job.type,
      payload: JSON.stringify(payload),
      status: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      run_at: job.runAt ?? now,
      locked_until: null,
      locked_by: null,
      last_error: null,
      dedupe_key: job.dedupeKey ?? null,
      created_at: new Date(now).toISOString(),
      finished_at: null,
    });
    this.wake();
    return id;
  }

  /**
   * A periodic job: every `intervalMs`, one node — whichever moves the schedule's next run time
   * forward first — enqueues a job of `type`. Declare schedules before `start()`.
   */
  schedule(name: string, intervalMs: number, type: string, payload: unknown): void {
    const handler = this.handlers.get(type);
    if (!handler) throw new Error(`no handler is registered for job type ${type}`);
    handler.schema.parse(payload);
    this.schedules.set(name, { name, intervalMs, type, payload });
  }

  /**
   * Keeps the table small: every hour one node deletes jobs done longer than `doneMs` ago and
   * failed ones older than `failedMs` (a pruned job's dedupe key may be used again).
   */
  pruneFinished(retention: { doneMs: number; failedMs: number }): void {
    this.register(PRUNE_JOB, z.object({}), async () => {
      const now = this.clock.now();
      for (const [status, ms] of [
        ['done', retention.doneMs],
        ['failed', retention.failedMs],
      ] as const) {
        const before = new Date(now - ms).toISOString();
        let deleted: number;
        do deleted = await this.repository.pruneFinished(status, before, PRUNE_BATCH);
        while (deleted === PRUNE_BATCH);
      }
    });
    this.schedule(PRUNE_JOB, 60 * 60 * 1000, PRUNE_JOB, {});
  }

  /** An organization's failed jobs, newest first. */
  listFailed(orgId: string, before: string | undefined, limit: number): Promise<FailedJobRow[]> {
    return this.repository.failedPage(orgId, before, limit);
  }

  /** Starts the workers and the upkeep loop (expired leases, schedules). */
  async start(): Promise<void> {
    if (this.running) return;
    for (const s of this.schedules.values()) {
      await this.repository.upsertSchedule({
        name: s.name,
        type: s.type,
        payload: JSON.stringify(s.payload),
        interval_ms: s.intervalMs,
        next_run_at: this.clock.now(),
      });
    }
    this.running = true;
    const workers = this.options.concurrency ?? 2;
    this.loops = Array.from({ length: workers }, () => this.work());
    this.loops.push(this.upkeep());
  }

  /**
   * Stops claiming, and waits up to `timeoutMs` for the handlers running now. A handler still
   * running then keeps its job's lease only until it expires: another worker runs it again.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.all(this.loops), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.options.log.warn(
        { timeoutMs },
        'jobs still running at shutdown are left to their lease',
      );
    }
    this.loops = [];
  }

  /** Wakes idle workers now (a job was enqueued on this node) instead of at their next poll. */
  private wake(): void {
    for (const wakeUp of this.wakeUps) wakeUp();
    this.wakeUps.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUps.add(done);
    });
  }

  private async work(): Promise<void> {
    while (this.running) {
      let job: ClaimedJob | undefined;
      try {
        const now = this.clock.now();
        job = await this.repository.claim(
          [...this.handlers.keys()],
          now,
          now + this.options.leaseMs,
          this.workerId,
        );
      } catch (error) {
        this.options.log.error({ err: error }, 'claiming a job failed');
      }
      if (job) await this.run(job);
      else if (this.running) await this.sleep(this.options.pollMs);
    }
  }

  private async run(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.type)!;
    const renew = setInterval(
      () => {
        this.repository
          .extendLease(job, this.clock.now() + this.options.leaseMs)
          .then((held) => {
            if (!held) this.options.log.warn({ job: job.id }, 'a running job was taken over');
          })
          .catch((error: unknown) =>
            this.options.log.error({ err: error, job: job.id }, 'renewing a job lease failed'),
          );
      },
      Math.max(1, Math.floor(this.options.leaseMs / 3)),
    );
    let outcome: Outcome;
    try {
      const payload = parsePayload(handler, job.payload);
      if (!payload.ok) outcome = { ok: false, error: payload.error, permanent: true };
      else {
        await handler.run(payload.value as never, {
          id: job.id,
          type: job.type,
          orgId: job.orgId,
          attempt: job.attempts,
          maxAttempts: job.maxAttempts,
        });
        outcome = { ok: true };
      }
    } catch (error) {
      outcome = { ok: false, error, permanent: isPermanent(error) };
    } finally {
      clearInterval(renew);
    }
    try {
      await this.settle(job, outcome);
    } catch (error) {
      // The job stays running until its lease expires, and then runs again.
      this.options.log.error({ err: error, job: job.id }, 'recording a job outcome failed');
    }
  }

  /** Records how a run ended: done, queued again after a backoff, or failed for good. */
  private async settle(job: ClaimedJob, outcome: Outcome): Promise<void> {
    const at = new Date(this.clock.now()).toISOString();
    const { log, metrics } = this.options;
    const details = { job: job.id, type: job.type, attempt: job.attempts };
    if (outcome.ok) {
      if (await this.repository.markDone(job, at))
        metrics?.jobs.inc({ type: job.type, outcome: 'done' });
      return;
    }
    const error = describe(outcome.error);
    if (job.attempts >= job.maxAttempts || outcome.permanent) {
      if (await this.repository.markFailed(job, error, at)) {
        metrics?.jobs.inc({ type: job.type, outcome: 'failed' });
        log.error({ ...details, err: outcome.error }, 'a job failed for good');
      }
      return;
    }
    const delay = Math.min(this.backoff.baseMs * 2 ** (job.attempts - 1), this.backoff.maxMs);
    if (await this.repository.markRetry(job, this.clock.now() + delay, error)) {
      metrics?.jobs.inc({ type: job.type, outcome: 'retry' });
      log.warn({ ...details, err: outcome.error, retryInMs: delay }, 'a job failed; retrying');
    }
  }

  /** Every poll: requeue jobs whose lease expired, and enqueue the schedules that are due. */
  private async upkeep(): Promise<void> {
    while (this.running) {
      try {
        await this.reclaim();
        await this.runDueSchedules();
      } catch (error) {
        this.options.log.error({ err: error }, 'job queue upkeep failed');
      }
      if (this.running) await this.sleep(this.options.pollMs);
    }
  }

  /**
   * Jobs whose worker stopped (killed, or cut from the database) run again now — or fail, when
   * that was their last attempt: a job that kills its worker every time must not kill them all.
   */
  private async reclaim(): Promise<void> {
    const now = this.clock.now();
    for (const job of await this.repository.expiredLeases(now, 100)) {
      await this.settle(job, {
        ok: false,
        error: new Error('the worker running it stopped before it finished (its lease expired)'),
        permanent: false,
      });
    }
  }

  private async runDueSchedules(): Promise<void> {
    const now = this.clock.now();
    const due = await this.repository.dueSchedules([...this.schedules.keys()], now);
    for (const row of due) {
      const schedule = this.schedules.get(row.name)!;
      // Keep the cadence; after downtime, run once now rather than once per missed interval.
      const following = row.next_run_at + schedule.intervalMs;
      const next = following > now ? following : now + schedule.intervalMs;
      // The move and the job commit together: a node that dies between them did neither.
      await inTransaction(this.db, async (trx) => {
        if (!(await this.repository.advanceSchedule(trx, row.name, row.next_run_at, next))) return;
        await this.enqueue(trx, { type: schedule.type, payload: schedule.payload });
      });
    }
  }
}

type Outcome = { ok: true } | { ok: false; error: unknown; permanent: boolean };

/** A stored payload that no longer parses, or that its type's schema refuses, never will. */
function parsePayload(
  handler: Registered,
  stored: string,
): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: handler.schema.parse(JSON.parse(stored)) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * A refusal by the rules (not found, forbidden, invalid input) comes out the same on every try;
 * anything else (the database, the network, a rate limit) may pass later.
 */
function isPermanent(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  const status = HTTP_STATUS[error.code];
  return status < 500 && status !== 429;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_CHARS);
}
