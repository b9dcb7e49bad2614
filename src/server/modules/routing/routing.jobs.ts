import { z } from 'zod';
import type { JobQueue } from '../../core/jobs/job-queue';
import type { RoutingService } from './routing.service';

/** The periodic safety net: a routing pass for every organization with someone waiting. */
export const ROUTING_PASS_JOB = 'routing.pass';
const ROUTING_PASS_INTERVAL_MS = 60_000;

/**
 * Passes run after every change that frees or adds capacity; this one catches what those missed
 * (a node that died between a commit and its pass, a pass that failed).
 */
export function registerRoutingJobs(jobs: JobQueue, routing: RoutingService): void {
  jobs.register(ROUTING_PASS_JOB, z.object({}), () => routing.routeAll());
  jobs.schedule(ROUTING_PASS_JOB, ROUTING_PASS_INTERVAL_MS, ROUTING_PASS_JOB, {});
}
