import { CompiledQuery } from 'kysely';
import type { Db } from './database';
import { engineOf, isUniqueViolation } from './dialect';
import { inTransaction } from './transaction';

/**
 * Where writes that others wait on go through (the message path, read marks, resolves, blocks).
 * `write` resolves only once the work is committed and durable, so an ack given after it means
 * "stored" (delivery invariant 1).
 */
export interface Writer {
  write<T>(work: (trx: Db) => Promise<T>, options?: { retryOnDuplicate?: boolean }): Promise<T>;
}

/** A transaction (retried on engine conflicts) per write: PostgreSQL and MySQL group commits themselves. */
export function transactionWriter(db: Db): Writer {
  return { write: (work, options) => inTransaction(db, work, options) };
}

/** The writer an engine wants: group commit on SQLite, a transaction per write elsewhere. */
export function writerFor(db: Db): Writer {
  return engineOf(db) === 'sqlite' ? new GroupCommitWriter(db) : transactionWriter(db);
}

interface Unit {
  work: (trx: Db) => Promise<unknown>;
  retryOnDuplicate: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

// Built once: the batch runs them for every write.
const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release savepoint unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint unit');

/** Enough to amortise a commit; small enough that readers waiting on the connection are not starved. */
const MAX_BATCH = 64;

/**
 * Group commit for SQLite, whose one connection writes one transaction at a time and whose every
 * commit waits for an fsync (synchronous=FULL). Writes that arrive while a batch is committing
 * wait together, then run as one transaction — each in a savepoint of its own, so one that fails
 * is rolled back alone — and share its commit: one fsync for the whole batch instead of one each.
 * Each write resolves only after that commit returned.
 */
export class GroupCommitWriter implements Writer {
  private queue: Unit[] = [];
  private draining = false;

  constructor(private readonly db: Db) {}

  write<T>(
    work: (trx: Db) => Promise<T>,
    options: { retryOnDuplicate?: boolean } = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work,
        retryOnDuplicate: options.retryOnDuplicate === true,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    // Let the writes of this event-loop turn (a burst of sends) join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const outcomes = new Map<
        Unit,
        { ok: true; value: unknown } | { ok: false; error: unknown }
      >();
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const unit of batch) outcomes.set(unit, await this.runInSavepoint(trx, unit));
        });
      } catch (error) {
        // The commit itself failed: nothing of the batch is stored.
        for (const unit of batch) unit.reject(error);
        continue;
      }
      for (const unit of batch) {
        const outcome = outcomes.get(unit)!;
        if (outcome.ok) unit.resolve(outcome.value);
        else unit.reject(outcome.error);
      }
    }
    this.draining = false;
  }

  private async runInSavepoint(
    trx: Db,
    unit: Unit,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    for (let attempt = 1; ; attempt++) {
      await trx.executeQuery(SAVEPOINT);
      try {
        const value = await unit.work(trx);
        await trx.executeQuery(RELEASE);
        return { ok: true, value };
      } catch (error) {
        await trx.executeQuery(ROLLBACK_TO);
        await trx.executeQuery(RELEASE);
        // Two writes of one batch may both have found "not there yet"; the second, run again,
        // finds the first one's row (the same rule inTransaction follows across transactions).
        if (unit.retryOnDuplicate && attempt === 1 && isUniqueViolation(error)) continue;
        return { ok: false, error };
      }
    }
  }
}
