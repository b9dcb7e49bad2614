import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  agentSendBody,
  conversationListQuery,
  entityId,
  historyQuery,
} from '../../../protocol/schemas';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import { parseInput } from '../../validation';
import type { ConversationsService } from './conversations.service';

const idParams = z.object({ id: entityId });

/** The agents' REST surface; the socket events of the same names call the same service methods. */
export function conversationRoutes(
  app: FastifyInstance,
  conversations: ConversationsService,
  guards: AgentRouteGuards,
): void {
  app.get('/api/v1/conversations', { preHandler: guards.agent }, async (request) =>
    conversations.listForAgent(agentOf(request), parseInput(conversationListQuery, request.query)),
  );

  app.get('/api/v1/conversations/:id', { preHandler: guards.agent }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    return { conversation: await conversations.getForAgent(agentOf(request), id) };
  });

  app.get('/api/v1/conversations/:id/messages', { preHandler: guards.agent }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    const { afterSeq } = parseInput(historyQuery, request.query);
    return conversations.syncForAgent(agentOf(request), id, afterSeq);
  });

  app.post(
    '/api/v1/conversations/:id/messages',
    { preHandler: guards.agentWrite },
    async (request, reply) => {
      const { id } = parseInput(idParams, request.params);
      const body = parseInput(agentSendBody, request.body);
      const message = await conversations.sendAgentMessage(agentOf(request), id, body);
      return reply.status(201).send({ message });
    },
  );

  app.post(
    '/api/v1/conversations/:id/resolve',
    { preHandler: guards.agentWrite },
    async (request) => {
      const { id } = parseInput(idParams, request.params);
      return { conversation: await conversations.resolve(agentOf(request), id) };
    },
  );
}
