import { failedJobPageSchema, failedJobsQuery } from '../../../protocol/schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { JobsService } from './jobs.service';

export function jobRoutes(app: TypedApp, jobs: JobsService, guards: AgentRouteGuards): void {
  app.get(
    '/api/v1/jobs/failed',
    {
      schema: {
        tags: ['jobs'],
        security: [{ session: [] }],
        summary: "The organization's jobs that failed for good, newest first (owners and admins)",
        querystring: failedJobsQuery,
        response: { 200: failedJobPageSchema, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => jobs.listFailed(agentOf(request), request.query),
  );
}
