import { isTransientConflict, isUniqueViolation } from './dialect';
import type { Db } from './database';

/** Enough for any real contention: each conflict means another writer finished. */
const MAX_ATTEMPTS = 5;

/**
 * Runs `work` in a transaction and commits. When the engine aborts it for a conflict with another
 * transaction (a MySQL deadlock, a PostgreSQL deadlock or serialization failure), runs it again
 * from the start; `work` must therefore do nothing but database work before it returns.
 *
 * With `retryOnDuplicate`, a unique violation also earns one more try: two writers can both see
 * "not there yet" and both insert; the second one's retry then finds the first one's row.
 */
export async function inTransaction<T>(
  db: Db,
  work: (trx: Db) => Promise<T>,
  options: { retryOnDuplicate?: boolean } = {},
): Promise<T> {
  let duplicateRetried = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (isTransientConflict(error) && attempt < MAX_ATTEMPTS) continue;
      if (options.retryOnDuplicate && !duplicateRetried && isUniqueViolation(error)) {
        duplicateRetried = true;
        continue;
      }
      throw error;
    }
  }
}
