/**
 * The job queue on the engine under test (PARLEY_TEST_DATABASE): jobs commit with their cause,
 * run once, retry with backoff, fail visibly without blocking others, come back after their
 * worker died, and periodic jobs fire on one node per interval.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/database';
import { createDb, type Db } from '../../db/database';
import { migrateToLatest } from '../../db/migrate';
import { AppError } from '../../errors';
import type { Clock } from '../clock';
import { Metrics } from '../metrics';
import { sortableId } from '../sortable-id';
import { JobQueue, type JobQueueOptions } from './job-queue';

let database: TestDatabase;
let db: Db;
const queues: JobQueue[] = [];
const logged: { level: string; message: string }[] = [];

const log = {
  info: (_: object, message: string) => logged.push({ level: 'info', message }),
  warn: (_: object, message: string) => logged.push({ level: 'warn', message }),
  error: (_: object, message: string) => logged.push({ level: 'error', message }),
};

beforeEach(async () => {
  database = await createTestDatabase();
  db = await createDb(database.url, { poolSize: 5 });
  await migrateToLatest(db);
  logged.length = 0;
});

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.stop();
  await db.destroy();
  await database.drop();
});

function makeQueue(options: Partial<JobQueueOptions> = {}, on: Db = db): JobQueue {
  const queue = new JobQueue(on, {
    pollMs: 10,
    leaseMs: 30_000,
    backoff: { baseMs: 5, maxMs: 20 },
    log,
    ...options,
  });
  queues.push(queue);
  return queue;
}

const note = z.object({ n: z.number().int() });

async function statusOf(id: string) {
  return db
    .selectFrom('jobs')
    .select(['status', 'attempts', 'last_error'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

const eventually = (check: () => unknown | Promise<unknown>) =>
  vi.waitFor(check, { timeout: 10_000, interval: 10 });

describe('enqueue', () => {
  it('records a job in the caller’s transaction: rolled back, it never runs; committed, it runs once', async () => {
    const queue = makeQueue();
    const ran: number[] = [];
    queue.register('note', note, async ({ n }) => void ran.push(n));
    await db
      .transaction()
      .execute(async (trx) => {
        await queue.enqueue(trx, { type: 'note', payload: { n: 1 } });
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    const id = await db
      .transaction()
      .execute((trx) => queue.enqueue(trx, { type: 'note', payload: { n: 2 } }));
    await queue.start();

    await eventually(async () => expect((await statusOf(id)).status).toBe('done'));
    expect(ran).toEqual([2]);
    expect(await db.selectFrom('jobs').select('id').execute()).toHaveLength(1);
  });

  it('keeps one job per dedupe key, also when enqueued at once', async () => {
    const queue = makeQueue();
    const ran: number[] = [];
    queue.register('note', note, async ({ n }) => void ran.push(n));
    const ids = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        db
          .transaction()
          .execute((trx) =>
            queue.enqueue(trx, { type: 'note', payload: { n }, dedupeKey: 'welcome:c1' }),
          ),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    await queue.start();
    await eventually(async () => expect((await statusOf(ids[0]!)).status).toBe('done'));
    expect(ran).toHaveLength(1);
  });

  it('refuses a type nobody registered and a payload its schema refuses', async () => {
    const queue = makeQueue();
    queue.register('note', note, async () => {});
    await expect(queue.enqueue(db, { type: 'nope', payload: {} })).rejects.toThrow(/nope/);
    await expect(queue.enqueue(db, { type: 'note', payload: { n: 'x' } })).rejects.toThrow();
    expect(await db.selectFrom('jobs').select('id').execute()).toHaveLength(0);
  });
});

describe('failures', () => {
  it('retries with backoff, then fails for good with the error — and other jobs keep running', async () => {
    const metrics = new Metrics();
    const queue = makeQueue({ metrics, concurrency: 1 });
    const tries: number[] = [];
    const ran: number[] = [];
    queue.register('poison', note, async (_payload, job) => {
      tries.push(job.attempt);
      throw new Error('the mail server said no');
    });
    queue.register('note', note, async ({ n }) => void ran.push(n));
    const poison = await queue.enqueue(db, { type: 'poison', payload: { n: 0 }, maxAttempts: 3 });
    for (let n = 1; n <= 5; n++) await queue.enqueue(db, { type: 'note', payload: { n } });
    await queue.start();

    await eventually(async () => expect((await statusOf(poison)).status).toBe('failed'));
    await eventually(() => expect(ran).toHaveLength(5));
    expect(tries).toEqual([1, 2, 3]);
    expect(await statusOf(poison)).toMatchObject({
      attempts: 3,
      last_error: 'Error: the mail server said no',
    });
    // Counted (and logged) just after the row changed: the scrape may come between the two.
    await eventually(async () =>
      expect(await metrics.registry.metrics()).toContain(
        'parley_jobs_total{type="poison",outcome="failed"} 1',
      ),
    );
    const scrape = await metrics.registry.metrics();
    expect(scrape).toContain('parley_jobs_total{type="poison",outcome="retry"} 2');
    expect(scrape).toContain('parley_jobs_total{type="note",outcome="done"} 5');
    expect(scrape).toContain('parley_jobs_queued 0');
    expect(logged.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'a job failed for good',
    ]);
    metrics.close();
  });

  it('waits longer before each retry, as the clock tells', async () => {
    let now = 1_000_000;
    const clock: Clock = { now: () => now };
    const queue = makeQueue({ clock, backoff: { baseMs: 1000, maxMs: 60_000 } });
    let tries = 0;
    queue.register('flaky', note, async () => {
      tries += 1;
      throw new Error('not yet');
    });
    const id = await queue.enqueue(db, { type: 'flaky', payload: { n: 0 }, maxAttempts: 5 });
    await queue.start();
    await eventually(() => expect(tries).toBe(1));
    const runAt = async () =>
      Number(
        (
          await db
            .selectFrom('jobs')
            .select('run_at')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).run_at,
      );
    await eventually(async () => expect(await runAt()).toBe(now + 1000));
    now += 1000;
    await eventually(() => expect(tries).toBe(2));
    await eventually(async () => expect(await runAt()).toBe(now + 2000));
    now += 1999; // not yet due
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tries).toBe(2);
    now += 1;
    await eventually(() => expect(tries).toBe(3));
  });

  it('fails at once when the rules refuse, and when the stored payload no longer fits', async () => {
    const queue = makeQueue();
    let tries = 0;
    queue.register('refused', note, async () => {
      tries += 1;
      throw new AppError('not_found', 'Conversation not found');
    });
    const refused = await queue.enqueue(db, { type: 'refused', payload: { n: 1 } });
    const broken = await queue.enqueue(db, { type: 'refused', payload: { n: 2 } });
    await db.updateTable('jobs').set({ payload: '{"n":"two"}' }).where('id', '=', broken).execute();
    await queue.start();
    await eventually(async () => expect((await statusOf(refused)).status).toBe('failed'));
    await eventually(async () => expect((await statusOf(broken)).status).toBe('failed'));
    expect(tries).toBe(1);
    expect((await statusOf(refused)).attempts).toBe(1);
  });
});

describe('workers', () => {
  it('gives each job to one worker: two queues on one database run forty jobs once each', async () => {
    const ran: number[] = [];
    for (const queue of [makeQueue({ concurrency: 3 }), makeQueue({ concurrency: 3 })]) {
      queue.register('note', note, async ({ n }) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        ran.push(n);
      });
    }
    for (let n = 1; n <= 40; n++) await queues[0]!.enqueue(db, { type: 'note', payload: { n } });
    await Promise.all(queues.map((q) => q.start()));
    await eventually(() => expect(ran).toHaveLength(40));
    expect([...ran].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('runs again a job whose worker died, once its lease ran out; fails one that was on its last try', async () => {
    const now = Date.now();
    const dead = (attempts: number, maxAttempts: number) => ({
      id: sortableId(),
      org_id: null,
      type: 'note',
      payload: JSON.stringify({ n: attempts }),
      status: 'running' as const,
      attempts,
      max_attempts: maxAttempts,
      run_at: now - 60_000,
      locked_until: now - 1,
      locked_by: 'a-killed-worker',
      last_error: null,
      dedupe_key: null,
      created_at: new Date(now).toISOString(),
      finished_at: null,
    });
    const again = dead(1, 3);
    const last = dead(3, 3);
    const alive = { ...dead(1, 3), locked_until: now + 60_000, locked_by: 'a-live-worker' };
    await db.insertInto('jobs').values([again, last, alive]).execute();
    const queue = makeQueue();
    const ran: number[] = [];
    queue.register('note', note, async ({ n }) => void ran.push(n));
    await queue.start();

    await eventually(async () => expect((await statusOf(again.id)).status).toBe('done'));
    await eventually(async () => expect((await statusOf(last.id)).status).toBe('failed'));
    expect(ran).toEqual([1]);
    expect((await statusOf(again.id)).attempts).toBe(2);
    expect((await statusOf(alive.id)).status).toBe('running');
  });

  it('renews the lease of a long job, so nobody takes it while its worker lives', async () => {
    const first = makeQueue({ leaseMs: 500 });
    const second = makeQueue({ leaseMs: 500 });
    let runs = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    first.register('slow', note, async () => {
      runs += 1;
      await finished;
    });
    second.register('slow', note, async () => void (runs += 1));
    const id = await first.enqueue(db, { type: 'slow', payload: { n: 1 } });
    await first.start();
    await eventually(() => expect(runs).toBe(1));
    await second.start();
    await new Promise((resolve) => setTimeout(resolve, 1600)); // three leases and more
    expect(runs).toBe(1);
    finish();
    await eventually(async () => expect((await statusOf(id)).status).toBe('done'));
    expect(runs).toBe(1);
  });

  it('stop() waits for the jobs running now', async () => {
    const queue = makeQueue();
    let done = false;
    queue.register('slow', note, async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      done = true;
    });
    const id = await queue.enqueue(db, { type: 'slow', payload: { n: 1 } });
    await queue.start();
    await eventually(async () => expect((await statusOf(id)).status).toBe('running'));
    await queue.stop();
    expect(done).toBe(true);
    expect((await statusOf(id)).status).toBe('done');
  });
});

describe('schedules', () => {
  it('fire once per interval with two nodes on one database, not once per node', async () => {
    let now = 5_000_000;
    const clock: Clock = { now: () => now };
    const ticks: number[] = [];
    const nodes = await Promise.all(
      [0, 1].map(async () => {
        // Nodes share PostgreSQL or MySQL; a SQLite file has one node, here with two queues.
        const other = database.engine === 'sqlite' ? db : await createDb(database.url);
        return { other, queue: makeQueue({ clock }, other) };
      }),
    );
    for (const { queue } of nodes) {
      queue.register('tick', note, async () => void ticks.push(now));
      queue.schedule('every-minute', 60_000, 'tick', { n: 0 });
    }
    try {
      await Promise.all(nodes.map(({ queue }) => queue.start()));
      await eventually(() => expect(ticks).toHaveLength(1));
      for (let i = 1; i <= 5; i++) {
        now += 60_000;
        await eventually(() => expect(ticks).toHaveLength(i + 1));
      }
      // Several polls of both nodes later, still one run per interval.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ticks).toHaveLength(6);
      const jobs = await db
        .selectFrom('jobs')
        .select('status')
        .where('type', '=', 'tick')
        .execute();
      expect(jobs.map((j) => j.status)).toEqual(Array(6).fill('done'));
    } finally {
      for (const { queue, other } of nodes) {
        await queue.stop();
        if (other !== db) await other.destroy();
      }
    }
  });
});

describe('retention', () => {
  it('deletes jobs done a week ago and failed a month ago, and keeps the rest', async () => {
    const now = Date.UTC(2026, 5, 1);
    const day = 86_400_000;
    const finished = (status: 'done' | 'failed', daysAgo: number) => ({
      id: sortableId(),
      org_id: null,
      type: 'note',
      payload: '{"n":1}',
      status,
      attempts: 1,
      max_attempts: 1,
      run_at: now - daysAgo * day,
      locked_until: null,
      locked_by: null,
      last_error: null,
      dedupe_key: null,
      created_at: new Date(now - daysAgo * day).toISOString(),
      finished_at: new Date(now - daysAgo * day).toISOString(),
    });
    const rows = [
      finished('done', 8),
      finished('done', 6),
      finished('failed', 31),
      finished('failed', 8),
    ];
    await db.insertInto('jobs').values(rows).execute();
    const queue = makeQueue({ clock: { now: () => now } });
    queue.register('note', note, async () => {});
    queue.pruneFinished({ doneMs: 7 * day, failedMs: 30 * day });
    await queue.start();

    const left = async () =>
      (await db.selectFrom('jobs').select('id').where('type', '=', 'note').execute())
        .map((r) => r.id)
        .sort();
    await eventually(async () => expect(await left()).toEqual([rows[1]!.id, rows[3]!.id].sort()));
  });
});
