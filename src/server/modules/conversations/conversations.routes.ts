import { z } from 'zod';
import {
  agentSendBody,
  conversationListQuery,
  conversationPageSchema,
  conversationSchema,
  entityId,
  historyQuery,
  messageSchema,
  syncResultSchema,
} from '../../../protocol/schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { ConversationsService } from './conversations.service';

const params = z.object({ id: entityId });
const conversationReply = z.object({ conversation: conversationSchema });
const tags = ['conversations'];
const security = [{ session: [] }];

/** The agents' REST surface; the socket events of the same names call the same service methods. */
export function conversationRoutes(
  app: TypedApp,
  conversations: ConversationsService,
  guards: AgentRouteGuards,
): void {
  app.get(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        security,
        summary: 'A page of conversations, most recently updated first',
        querystring: conversationListQuery,
        response: { 200: conversationPageSchema, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => conversations.listForAgent(agentOf(request), request.query),
  );

  app.get(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One conversation',
        params,
        response: { 200: conversationReply, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({
      conversation: await conversations.getForAgent(agentOf(request), request.params.id),
    }),
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        security,
        summary: 'Messages after a seq, notes included; page on while hasMore',
        params,
        querystring: historyQuery,
        response: { 200: syncResultSchema(conversationSchema), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) =>
      conversations.syncForAgent(agentOf(request), request.params.id, request.query.afterSeq),
  );

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        security,
        summary:
          'Reply, or with internal: true write a private note; a repeated clientId is a no-op',
        params,
        body: agentSendBody,
        response: { 201: z.object({ message: messageSchema }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      const message = await conversations.sendAgentMessage(
        agentOf(request),
        request.params.id,
        request.body,
      );
      return reply.status(201).send({ message });
    },
  );

  app.post(
    '/api/v1/conversations/:id/resolve',
    {
      schema: {
        tags,
        security,
        summary: 'Resolve a conversation',
        params,
        response: { 200: conversationReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      conversation: await conversations.resolve(agentOf(request), request.params.id),
    }),
  );
}
