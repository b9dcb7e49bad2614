import { z } from 'zod';
import { entityId, siteLimitsBody, siteViewSchema } from '../../../protocol/schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { SitesService } from './sites.service';

const tags = ['sites'];
const security = [{ session: [] }];

export function siteRoutes(app: TypedApp, sites: SitesService, guards: AgentRouteGuards): void {
  app.get(
    '/api/v1/sites',
    {
      schema: {
        tags,
        security,
        summary: "The organization's sites",
        response: { 200: z.object({ sites: z.array(siteViewSchema) }), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ sites: await sites.list(agentOf(request)) }),
  );

  app.patch(
    '/api/v1/sites/:id',
    {
      schema: {
        tags,
        security,
        summary: "Change a site (owners and admins): for now its visitors' message limit",
        params: z.object({ id: entityId }),
        body: siteLimitsBody,
        response: { 200: z.object({ site: siteViewSchema }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      site: await sites.update(agentOf(request), request.params.id, request.body),
    }),
  );
}
