import { z } from 'zod';
import { clientId, entityId, messageBody } from '../../../protocol/schemas';
import type { JobQueue } from '../../core/jobs/job-queue';
import type { Db } from '../../db/database';
import type { MessagesService } from './messages.service';

/** Appends a system message (joined, transferred, resolved…) to a conversation, after a commit. */
export const SYSTEM_MESSAGE_JOB = 'conversation.system-message';

const systemMessagePayload = z.object({
  orgId: entityId,
  conversationId: entityId,
  body: messageBody,
  /** The message's idempotency key; `job-<job id>` when unset, the same on every run of the job. */
  clientId: clientId.optional(),
});
export type SystemMessageJob = z.input<typeof systemMessagePayload>;

/** The message path's jobs. Each run of a job appends its message at most once. */
export function registerMessageJobs(jobs: JobQueue, messages: MessagesService): void {
  jobs.register(SYSTEM_MESSAGE_JOB, systemMessagePayload, async (payload, job) => {
    await messages.append({ kind: 'system', orgId: payload.orgId }, payload.conversationId, {
      clientId: payload.clientId ?? `job-${job.id}`,
      body: payload.body,
    });
  });
}

/**
 * Queues a system message in `db` (a caller's transaction: the message is sent if and only if
 * the caller's change commits). Returns the job's id.
 */
export function enqueueSystemMessage(
  jobs: JobQueue,
  db: Db,
  message: SystemMessageJob,
  options: { runAt?: number; dedupeKey?: string } = {},
): Promise<string> {
  return jobs.enqueue(db, {
    type: SYSTEM_MESSAGE_JOB,
    payload: message,
    orgId: message.orgId,
    ...options,
  });
}
