import type { Db } from './database';
import { inTransaction } from './transaction';

/**
 * Where writes that others wait on go through: each runs in a transaction of its own that is
 * retried on engine conflicts (see `inTransaction`). The message path writes through this, so
 * that how commits are grouped can change in one place.
 */
export interface Writer {
  write<T>(work: (trx: Db) => Promise<T>, options?: { retryOnDuplicate?: boolean }): Promise<T>;
}

export function transactionWriter(db: Db): Writer {
  return { write: (work, options) => inTransaction(db, work, options) };
}
