import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import { jobRoutes } from './jobs.routes';
import type { JobsService } from './jobs.service';

export const jobsModule = parleyModule<{ jobs: JobsService; guards: AgentRouteGuards }>(
  'jobs',
  (app, { jobs, guards }) => jobRoutes(app, jobs, guards),
);
