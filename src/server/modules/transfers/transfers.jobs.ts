import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import type { JobQueue } from '../../core/jobs/job-queue';
import type { Db } from '../../db/database';

/** Returns a transfer nobody accepted in time to the queue (see TransfersService.expire). */
export const TRANSFER_EXPIRY_JOB = 'transfer.expire';

const expiryPayload = z.object({ orgId: entityId, transferId: entityId });

/** The transfers module's jobs; expiring a transfer twice changes it once. */
export function registerTransferJobs(
  jobs: JobQueue,
  transfers: { expire(orgId: string, transferId: string): Promise<void> },
): void {
  jobs.register(TRANSFER_EXPIRY_JOB, expiryPayload, (payload) =>
    transfers.expire(payload.orgId, payload.transferId),
  );
}

/** Queues the expiry in `trx`, the transfer's own transaction: it exists if the transfer does. */
export function enqueueTransferExpiry(
  jobs: JobQueue,
  trx: Db,
  transfer: { orgId: string; transferId: string; runAt: number },
): Promise<string> {
  return jobs.enqueue(trx, {
    type: TRANSFER_EXPIRY_JOB,
    payload: { orgId: transfer.orgId, transferId: transfer.transferId },
    orgId: transfer.orgId,
    runAt: transfer.runAt,
    dedupeKey: `${TRANSFER_EXPIRY_JOB}:${transfer.transferId}`,
  });
}
