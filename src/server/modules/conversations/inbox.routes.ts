import { z } from 'zod';
import {
  agentViewingPayload,
  agentWhisperPayload,
  conversationTarget,
  inboxSchema,
  visitorDraftPayload,
  whisperBody,
} from '../../../protocol/inbox-schemas';
import { conversationSchema, entityId, messageSchema } from '../../../protocol/schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { Realtime } from '../../realtime/gateway';
import type { InboxService } from './inbox.service';

const params = z.object({ id: entityId });
const tags = ['conversations'];
const security = [{ session: [] }];

/** The inbox's REST routes; the socket events of the same purpose call the same methods. */
export function inboxRoutes(app: TypedApp, inbox: InboxService, guards: AgentRouteGuards): void {
  app.get(
    '/api/v1/inbox',
    {
      schema: {
        tags,
        security,
        summary: "The signed-in agent's inbox tabs and their colleagues' names",
        response: { 200: inboxSchema, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => inbox.inbox(agentOf(request)),
  );

  app.post(
    '/api/v1/conversations/:id/join',
    {
      schema: {
        tags,
        security,
        summary: 'Join silently to monitor (supervisors and up); the visitor is not told',
        params,
        response: { 200: z.object({ conversation: conversationSchema }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      conversation: await inbox.join(agentOf(request), request.params.id),
    }),
  );

  app.post(
    '/api/v1/conversations/:id/whisper',
    {
      schema: {
        tags,
        security,
        summary: 'Whisper to the assigned agent (supervisors and up); never shown to the visitor',
        params,
        body: whisperBody,
        response: { 201: z.object({ message: messageSchema }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      const message = await inbox.whisper(agentOf(request), request.params.id, request.body);
      return reply.status(201).send({ message });
    },
  );
}

export function inboxEvents(realtime: Realtime, inbox: InboxService): void {
  const agent = realtime.agentEvents;
  agent.on('conversation:viewing', agentViewingPayload, async (actor, p) => {
    await inbox.setViewing(actor, p.conversationId, p.viewing);
    return null;
  });
  agent.on('conversation:join', conversationTarget, async (actor, p) => ({
    conversation: await inbox.join(actor, p.conversationId),
  }));
  agent.on('message:whisper', agentWhisperPayload, async (actor, p) => ({
    message: await inbox.whisper(actor, p.conversationId, p),
  }));
  realtime.onAgentDisconnect((actor) => inbox.socketGone(actor));
  realtime.visitorEvents.on('draft', visitorDraftPayload, async (identity, p) => {
    await inbox.visitorDraft(identity, p);
    return null;
  });
}
