import type { Actor } from '../../core/actor';
import type { JobQueue } from '../../core/jobs/job-queue';
import { authorize } from '../../core/policy';
import type { FailedJobPage, FailedJobsQuery } from '../../../protocol/schemas';
import { jobPolicy } from './jobs.policy';

/** What people may see of the job queue: their organization's jobs that failed for good. */
export class JobsService {
  constructor(private readonly queue: JobQueue) {}

  async listFailed(actor: Actor, query: FailedJobsQuery): Promise<FailedJobPage> {
    authorize(jobPolicy.readFailed(actor), 'Only owners and admins can see failed jobs');
    const rows = await this.queue.listFailed(actor.orgId, query.cursor, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      jobs: page.map((r) => ({
        id: r.id,
        type: r.type,
        attempts: r.attempts,
        lastError: r.lastError,
        createdAt: r.createdAt,
        failedAt: r.finishedAt,
      })),
      nextCursor: rows.length > query.limit ? page.at(-1)!.id : null,
    };
  }
}
