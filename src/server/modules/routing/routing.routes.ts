import { z } from 'zod';
import { conversationSchema, entityId } from '../../../protocol/schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { RoutingService } from './routing.service';

const params = z.object({ id: entityId });
const conversationReply = z.object({ conversation: conversationSchema });
const tags = ['conversations'];
const security = [{ session: [] }];

/** Taking conversations by hand; the socket events of the same names call the same methods. */
export function routingRoutes(app: TypedApp, routing: RoutingService, guards: AgentRouteGuards) {
  app.post(
    '/api/v1/conversations/:id/claim',
    {
      schema: {
        tags,
        security,
        summary: 'Take a waiting conversation; already_assigned when someone has it',
        params,
        response: { 200: conversationReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      conversation: await routing.claim(agentOf(request), request.params.id),
    }),
  );

  app.post(
    '/api/v1/conversations/:id/take-over',
    {
      schema: {
        tags,
        security,
        summary: 'Supervisors and up: take a conversation from the agent who has it',
        params,
        response: { 200: conversationReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      conversation: await routing.takeOver(agentOf(request), request.params.id),
    }),
  );
}
