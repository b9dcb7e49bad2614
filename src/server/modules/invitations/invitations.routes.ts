import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import {
  dismissInvitationBody,
  invitationReplyPayload,
  invitationRulesBody,
  inviteVisitorBody,
  sentInvitation,
} from '../../../protocol/visitor-schemas';
import type { ClientResolver } from '../../http/client-address';
import { FROM_HOST_PAGE } from '../../http/host-page-json';
import type { OriginPolicy } from '../../http/origin-policy';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { Realtime } from '../../realtime/gateway';
import type { InvitationsService } from './invitations.service';

export interface InvitationRouteDeps {
  invitations: InvitationsService;
  origins: OriginPolicy;
  client: ClientResolver;
  guards: AgentRouteGuards;
  realtime: Realtime;
}

const params = z.object({ id: entityId });
const security = [{ session: [] }];

export function invitationRoutes(app: TypedApp, deps: InvitationRouteDeps): void {
  const { invitations, origins, client, guards, realtime } = deps;

  app.post(
    '/api/v1/visitors/:id/invitations',
    {
      schema: {
        tags: ['visitors'],
        security,
        summary: 'Invite a visitor who is on a site now, and not chatting, with a message',
        params,
        body: inviteVisitorBody,
        response: { 201: z.object({ invitation: sentInvitation }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      const invitation = await invitations.invite(
        agentOf(request),
        request.params.id,
        request.body.message,
      );
      return reply.status(201).send({ invitation });
    },
  );

  app.post(
    '/api/v1/widget/invitations/:id/dismiss',
    {
      schema: {
        tags: ['widget'],
        summary: 'The visitor dismissed an invitation (the loader, with the token in the body)',
        params,
        body: dismissInvitationBody,
        response: { 204: z.null(), ...refusals },
      },
      config: { ...FROM_HOST_PAGE, rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const origin = request.headers.origin;
      await invitations.dismiss(request.params.id, request.body, {
        origin,
        fromOwnFrame: origins.isOwn(origin, request.raw),
        address: client.address(request.raw),
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/sites/:id/invitation-rules',
    {
      schema: {
        tags: ['sites'],
        security,
        summary: "A site's automatic invitation rules (owners, admins)",
        params,
        response: { 200: invitationRulesBody, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({
      rules: await invitations.rules(agentOf(request), request.params.id),
    }),
  );

  app.put(
    '/api/v1/sites/:id/invitation-rules',
    {
      schema: {
        tags: ['sites'],
        security,
        summary: "Replace a site's automatic invitation rules (owners, admins)",
        params,
        body: invitationRulesBody,
        response: { 200: invitationRulesBody, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      rules: await invitations.setRules(agentOf(request), request.params.id, request.body.rules),
    }),
  );

  realtime.visitorEvents.on(
    'invitation:reply',
    invitationReplyPayload,
    async (visitor, payload) => ({
      invitation: await invitations.reply(visitor, payload.invitationId),
    }),
  );
}
