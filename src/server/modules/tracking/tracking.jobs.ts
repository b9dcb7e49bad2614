import { z } from 'zod';
import type { JobQueue } from '../../core/jobs/job-queue';

export const VISIT_SWEEP_JOB = 'visits.sweep';
/** Visits end within this much of ON_SITE_MS; the live view drops them then. */
const SWEEP_EVERY_MS = 15_000;

/** Ends idle visits on one node at a time, every few seconds. */
export function registerTrackingJobs(jobs: JobQueue, tracking: { sweep(): Promise<number> }): void {
  jobs.register(VISIT_SWEEP_JOB, z.object({}), async () => {
    await tracking.sweep();
  });
  jobs.schedule(VISIT_SWEEP_JOB, SWEEP_EVERY_MS, VISIT_SWEEP_JOB, {});
}
