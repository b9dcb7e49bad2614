import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import type { Clock } from '../../core/clock';
import type { JobQueue } from '../../core/jobs/job-queue';
import { TRANSLATION_JOB, type TranslationService } from './translation.service';

const translationPayload = z.object({
  orgId: entityId,
  messageId: entityId,
  language: z.string().min(1).max(35),
});

export const TRANSLATION_CACHE_PRUNE_JOB = 'translation.cache-prune';
/** A cached answer is kept a month: long enough for repeated texts, short enough to stay small. */
const CACHE_DAYS = 30;

/** Translation's jobs: one message into one language, and the cache's daily trim. */
export function registerTranslationJobs(
  jobs: JobQueue,
  translation: TranslationService,
  clock: Clock,
): void {
  jobs.register(TRANSLATION_JOB, translationPayload, (payload, job) =>
    translation.runJob(payload, job),
  );
  jobs.register(TRANSLATION_CACHE_PRUNE_JOB, z.object({}), () =>
    translation.pruneCache(new Date(clock.now() - CACHE_DAYS * 86_400_000).toISOString()),
  );
  jobs.schedule(TRANSLATION_CACHE_PRUNE_JOB, 86_400_000, TRANSLATION_CACHE_PRUNE_JOB, {});
}
