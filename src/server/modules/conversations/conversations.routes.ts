import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  agentSendBody,
  conversationListQuery,
  entityId,
  historyQuery,
} from '../../../protocol/schemas';
import { agentOf, requireAgent, requireSameOrigin } from '../../plugins/agent-auth';
import { parseInput } from '../../validation';
import type { AuthService } from '../auth/auth.service';
import type { ConversationsService } from './conversations.service';

const idParams = z.object({ id: entityId });

/** The agents' REST surface; the socket events of the same names call the same service methods. */
export function conversationRoutes(
  app: FastifyInstance,
  conversations: ConversationsService,
  auth: AuthService,
): void {
  app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAgent(auth));

    scoped.get('/api/v1/conversations', async (request) => {
      const { status } = parseInput(conversationListQuery, request.query);
      return { conversations: await conversations.listForAgent(agentOf(request), status) };
    });

    scoped.get('/api/v1/conversations/:id', async (request) => {
      const { id } = parseInput(idParams, request.params);
      return { conversation: await conversations.getForAgent(agentOf(request), id) };
    });

    scoped.get('/api/v1/conversations/:id/messages', async (request) => {
      const { id } = parseInput(idParams, request.params);
      const { afterSeq } = parseInput(historyQuery, request.query);
      return conversations.syncForAgent(agentOf(request), id, afterSeq);
    });

    scoped.post(
      '/api/v1/conversations/:id/messages',
      { preHandler: requireSameOrigin },
      async (request, reply) => {
        const { id } = parseInput(idParams, request.params);
        const body = parseInput(agentSendBody, request.body);
        const message = await conversations.sendAgentMessage(agentOf(request), id, body);
        return reply.status(201).send({ message });
      },
    );

    scoped.post(
      '/api/v1/conversations/:id/resolve',
      { preHandler: requireSameOrigin },
      async (request) => {
        const { id } = parseInput(idParams, request.params);
        return { conversation: await conversations.resolve(agentOf(request), id) };
      },
    );
  });
}
