/**
 * Jobs survive SIGKILL: the real server runs system-message jobs, is killed while some are queued
 * and some running, and restarted on the same database, twice over. Each job's effect — its
 * message — must then exist exactly once: jobs run at least once (a killed worker's lease runs
 * out and the job runs again), and the message's client id makes a second run write nothing.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/protocol/schemas';
import { JobQueue } from '../../src/server/core/jobs/job-queue';
import { createDb, type Db } from '../../src/server/db/database';
import { writerFor } from '../../src/server/db/writer';
import { DomainEvents } from '../../src/server/domain-events';
import {
  enqueueSystemMessage,
  registerMessageJobs,
  SYSTEM_MESSAGE_JOB,
} from '../../src/server/modules/messages/messages.jobs';
import { MessagesService } from '../../src/server/modules/messages/messages.service';
import { connectVisitor, createVisitor, requestOk } from '../helpers/clients';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';

const JOBS = 600;
const JOB_ENV = { PARLEY_JOB_POLL_MS: '20', PARLEY_JOB_LEASE_MS: '1000' };

let database: TestDatabase;
let db: Db;
const running: ServerProcess[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const p of running.splice(0)) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  await db?.destroy();
  await database.drop();
});

async function statuses(): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select('status')
    .where('type', '=', SYSTEM_MESSAGE_JOB)
    .execute();
  const counts: Record<string, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const { status } of rows) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting until ${what}`);
}

/** Each job's message has a body of its own, which is how the test finds a job's effect. */
function bodyOf(job: { payload: string }): string {
  return (JSON.parse(job.payload) as { body: string }).body;
}

/**
 * Kills the server at the worst moment for a job: its message is committed, the job is not yet
 * done. The window between the two is short, so the test samples it: it freezes the server
 * (SIGSTOP), looks for a running job whose message exists, and either kills the server there or
 * lets it go on (SIGCONT) and looks again a moment later. Returns the caught job's id.
 */
async function killBetweenEffectAndDone(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 3000; i++) {
    server.child.kill('SIGSTOP');
    const caught = await killIfInTheWindow(server);
    if (caught) return caught;
    server.child.kill('SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 1 + (i % 7)));
  }
  throw new Error('never caught a job between its effect and its end');
}

/** The frozen server, killed if one of its running jobs has already committed its message. */
async function killIfInTheWindow(server: ServerProcess): Promise<string | undefined> {
  const runningJobs = await db
    .selectFrom('jobs')
    .select(['id', 'payload'])
    .where('status', '=', 'running')
    .execute();
  for (const job of runningJobs) {
    const effect = await db
      .selectFrom('messages')
      .select('id')
      .where('body', '=', bodyOf(job))
      .executeTakeFirst();
    if (effect && (await killHoldingTheJob(server, job.id))) return job.id;
  }
  return undefined;
}

/**
 * On SQLite a frozen server changes nothing: kill it. PostgreSQL and MySQL may still run a
 * statement the server sent before it froze (the job's "done"), so the test first holds the job's
 * row (a no-op update, refused when the job is no longer running), then kills.
 */
async function killHoldingTheJob(server: ServerProcess, jobId: string): Promise<boolean> {
  const kill = async () => {
    server.child.kill('SIGKILL');
    await server.exited;
  };
  if (database.engine === 'sqlite') {
    await kill();
    return true;
  }
  return db.transaction().execute(async (trx) => {
    const held = await trx
      .updateTable('jobs')
      .set({ locked_by: sql<string>`locked_by` })
      .where('id', '=', jobId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(held.numUpdatedRows) !== 1) return false;
    await kill();
    await endSessionsOfTheDead(trx);
    return true;
  });
}

/**
 * Ends the killed server's database sessions. PostgreSQL and MySQL notice a dead client only when
 * they next talk to it: a statement the server sent just before it died, waiting on the test's
 * lock, would otherwise still run (and mark its job done) once the lock goes. The test's own
 * pool has one connection, the one holding the lock.
 */
async function endSessionsOfTheDead(trx: Db): Promise<void> {
  if (database.engine === 'postgres') {
    await sql`select pg_terminate_backend(pid, 5000) from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid()`.execute(trx);
  } else if (database.engine === 'mysql') {
    const { rows } = await sql<{ id: number }>`select id from information_schema.processlist
              where db = database() and id <> connection_id()`.execute(trx);
    for (const { id } of rows) await sql`kill ${sql.raw(String(Number(id)))}`.execute(trx);
  }
}

describe('jobs and SIGKILL', () => {
  it('loses no job and runs none twice when the server is killed with jobs queued and running', async () => {
    const port = await freePort();
    let server = await spawnServer(database, port, { env: JOB_ENV });
    running.push(server);
    const endpoint = await endpointOf(server, database);
    const visitor = await connectVisitor(endpoint, await createVisitor(endpoint));
    const { message } = await requestOk<{ message: Message }>(visitor, 'message:send', {
      clientId: 'hello',
      body: 'Hello',
    });
    visitor.close();
    const conversationId = message.conversationId;

    // The test enqueues as a feature would: a queue of its own that knows the job type.
    db = await createDb(database.url, { poolSize: 1 });
    const orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
    const enqueuer = new JobQueue(db, { pollMs: 1000, leaseMs: 1000, log: console });
    registerMessageJobs(enqueuer, new MessagesService(db, writerFor(db), new DomainEvents()));
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < JOBS; i++) {
        await enqueueSystemMessage(enqueuer, trx, {
          orgId,
          conversationId,
          body: `job ${i}`,
          // Half name their message; the other half take the client id made from the job's id.
          ...(i % 2 === 0 ? { clientId: `fault-${i}` } : {}),
        });
      }
    });

    // Twice: once early, once later on. Each time the server dies between a job's effect (its
    // message committed) and the job's own "done", and with other jobs still waiting.
    const caught: string[] = [];
    for (const share of [0.15, 0.45]) {
      await until(async () => (await statuses()).done! >= JOBS * share, `${share * 100}% are done`);
      caught.push(await killBetweenEffectAndDone(server));
      const counts = await statuses();
      expect(counts.queued).toBeGreaterThan(0);
      expect(counts.running).toBeGreaterThan(0);
      server = await spawnServer(database, port, { env: JOB_ENV });
      running.push(server);
    }

    await until(async () => (await statuses()).done === JOBS, 'every job is done');
    const messages = await db
      .selectFrom('messages')
      .select(['seq', 'body', 'client_id', 'author_type'])
      .where('conversation_id', '=', conversationId)
      .orderBy('seq')
      .execute();
    const system = messages.filter((m) => m.author_type === 'system');
    expect(system).toHaveLength(JOBS);
    expect(new Set(system.map((m) => m.body)).size).toBe(JOBS);
    expect(new Set(system.map((m) => m.client_id)).size).toBe(JOBS);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(await statuses()).toEqual({ queued: 0, running: 0, done: JOBS, failed: 0 });
    // The jobs caught mid-way ran twice — and wrote once.
    const rerun = await db
      .selectFrom('jobs')
      .select('attempts')
      .where('id', 'in', caught)
      .execute();
    expect(rerun.map((j) => j.attempts)).toEqual([2, 2]);
  }, 120_000);
});
