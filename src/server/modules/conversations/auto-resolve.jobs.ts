import { z } from 'zod';
import type { Clock } from '../../core/clock';
import type { JobQueue } from '../../core/jobs/job-queue';
import type { Db } from '../../db/database';
import { routingSettingsFrom } from '../departments/routing-settings';
import type { ConversationsService } from './conversations.service';

/** The periodic job that resolves conversations left idle longer than their organization allows. */
export const AUTO_RESOLVE_JOB = 'conversations.auto-resolve';
/** How often one node looks for idle conversations. */
const AUTO_RESOLVE_EVERY_MS = 5 * 60 * 1000;
/**
 * Conversations looked at per query, and queries per organization per run: a backlog (the
 * setting just lowered) drains over a few runs instead of in one long one.
 */
const BATCH = 100;
const MAX_BATCHES = 10;

/**
 * Every few minutes one node resolves, in each organization whose `autoResolveHours` is not 0,
 * the open and pending conversations without activity for that long.
 */
export function registerAutoResolve(
  jobs: JobQueue,
  db: Db,
  conversations: ConversationsService,
  clock: Clock,
): void {
  jobs.register(AUTO_RESOLVE_JOB, z.object({}), async () => {
    const orgs = await db.selectFrom('organizations').select(['id', 'routing_settings']).execute();
    for (const org of orgs) {
      const hours = routingSettingsFrom(org.routing_settings).autoResolveHours;
      if (hours === 0) continue;
      const idleBefore = new Date(clock.now() - hours * 3_600_000).toISOString();
      for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
        const ids = await conversations.listIdle(org.id, idleBefore, BATCH);
        for (const id of ids) await conversations.resolveIdle(org.id, id, idleBefore, hours);
        if (ids.length < BATCH) break;
      }
    }
  });
  jobs.schedule(AUTO_RESOLVE_JOB, AUTO_RESOLVE_EVERY_MS, AUTO_RESOLVE_JOB, {});
}
