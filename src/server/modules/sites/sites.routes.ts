import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { entityId, siteLimitsBody } from '../../../protocol/schemas';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import { parseInput } from '../../validation';
import type { SitesService } from './sites.service';

const idParams = z.object({ id: entityId });

export function siteRoutes(
  app: FastifyInstance,
  sites: SitesService,
  guards: AgentRouteGuards,
): void {
  app.get('/api/v1/sites', { preHandler: guards.agent }, async (request) => ({
    sites: await sites.list(agentOf(request)),
  }));

  app.patch('/api/v1/sites/:id', { preHandler: guards.agentWrite }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const changes = parseInput(siteLimitsBody, request.body);
    return { site: await sites.update(agentOf(request), id, changes) };
  });
}
