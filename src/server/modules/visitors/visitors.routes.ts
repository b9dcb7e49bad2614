import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { blockVisitorBody, createVisitorBody, entityId } from '../../../protocol/schemas';
import type { ClientResolver } from '../../http/client-address';
import type { OriginPolicy } from '../../http/origin-policy';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import { parseInput } from '../../validation';
import type { ConversationsService } from '../conversations/conversations.service';
import type { VisitorsService } from './visitors.service';

const idParams = z.object({ id: entityId });

export interface VisitorRouteDeps {
  visitors: VisitorsService;
  conversations: ConversationsService;
  origins: OriginPolicy;
  client: ClientResolver;
  guards: AgentRouteGuards;
}

export function visitorRoutes(app: FastifyInstance, deps: VisitorRouteDeps): void {
  const { visitors, conversations, origins, client, guards } = deps;

  app.post(
    '/api/v1/widget/visitors',
    // New anonymous visitors are cheap to ask for; bound how many one address can make.
    {
      config: {
        rateLimit: {
          max: 30,
          timeWindow: '1 minute',
          keyGenerator: (request: FastifyRequest) => client.address(request.raw),
        },
      },
    },
    async (request, reply) => {
      const body = parseInput(createVisitorBody, request.body);
      const origin = request.headers.origin;
      const created = await visitors.create(body, {
        origin,
        fromOwnFrame: origins.isOwn(origin, request.raw),
        address: client.address(request.raw),
      });
      return reply.status(201).send(created);
    },
  );

  app.post('/api/v1/visitors/:id/block', { preHandler: guards.agentWrite }, async (request) => {
    const agent = agentOf(request);
    const { id } = parseInput(idParams, request.params);
    const { address } = parseInput(blockVisitorBody, request.body ?? {});
    const blocked = await visitors.block(agent, id, { address });
    await conversations.announceVisitorChange(agent.orgId, id);
    return { visitor: { id, blocked: true, addressBlocked: blocked.address !== null } };
  });

  app.delete(
    '/api/v1/visitors/:id/block',
    { preHandler: guards.agentWrite },
    async (request, reply) => {
      const agent = agentOf(request);
      const { id } = parseInput(idParams, request.params);
      await visitors.unblock(agent, id);
      await conversations.announceVisitorChange(agent.orgId, id);
      return reply.status(204).send();
    },
  );
}
