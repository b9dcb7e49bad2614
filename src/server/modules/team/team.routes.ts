import { z } from 'zod';
import { agentRoutingBody } from '../../../protocol/department-schemas';
import { entityId } from '../../../protocol/schemas';
import {
  acceptInviteBody,
  inviteBody,
  inviteInfoSchema,
  inviteSchema,
  inviteToken,
  pendingInviteSchema,
  teamMemberSchema,
  updateMemberBody,
} from '../../../protocol/settings-schemas';
import type { OriginPolicy } from '../../http/origin-policy';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, requireOwnOrigin, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { TeamService } from './team.service';

const tags = ['team'];
const security = [{ session: [] }];
const memberReply = z.object({ agent: teamMemberSchema });
const params = z.object({ id: entityId });
// Guessing a 256-bit token is hopeless; this keeps anyone from trying hard anyway.
const inviteRateLimit = { max: 20, timeWindow: '1 minute' };

export function teamRoutes(
  app: TypedApp,
  team: TeamService,
  guards: AgentRouteGuards,
  origins: OriginPolicy,
): void {
  app.get(
    '/api/v1/team',
    {
      schema: {
        tags,
        security,
        summary:
          'The agents of the organization and the invitations not used yet (owners and admins)',
        response: {
          200: z.object({
            members: z.array(teamMemberSchema),
            invites: z.array(pendingInviteSchema),
          }),
          ...refusals,
        },
      },
      preHandler: guards.agent,
    },
    async (request) => team.list(agentOf(request)),
  );

  app.post(
    '/api/v1/team/invites',
    {
      schema: {
        tags,
        security,
        summary:
          'Invite someone by email (owners and admins): a single-use link valid 7 days, emailed when SMTP is set up, otherwise returned once to pass on',
        body: inviteBody,
        response: { 201: z.object({ invite: inviteSchema }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) =>
      reply.status(201).send({ invite: await team.invite(agentOf(request), request.body) }),
  );

  app.patch(
    '/api/v1/team/agents/:id',
    {
      schema: {
        tags,
        security,
        summary:
          "Change an agent's role (owners and admins; only owners touch owners). One owner always remains",
        params,
        body: updateMemberBody,
        response: { 200: memberReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      agent: await team.changeRole(agentOf(request), request.params.id, request.body.role),
    }),
  );

  app.patch(
    '/api/v1/team/agents/:id/routing',
    {
      schema: {
        tags,
        security,
        summary:
          'Change what routing weighs of an agent (owners and admins): their most concurrent chats (1 to 50) and the languages they speak (BCP 47)',
        params,
        body: agentRoutingBody,
        response: { 200: memberReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      agent: await team.changeRouting(agentOf(request), request.params.id, request.body),
    }),
  );

  app.post(
    '/api/v1/team/agents/:id/deactivate',
    {
      schema: {
        tags,
        security,
        summary:
          'Deactivate an agent (owners and admins): their sessions and sockets end at once, their history stays',
        params,
        response: { 200: memberReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({ agent: await team.deactivate(agentOf(request), request.params.id) }),
  );

  const ownOrigin = requireOwnOrigin(origins);
  app.post(
    '/api/v1/invites/lookup',
    {
      schema: {
        tags,
        summary:
          'Who an invitation link is for (the join page shows it); the token goes in the body, never the URL',
        body: z.object({ token: inviteToken }),
        response: { 200: z.object({ invite: inviteInfoSchema }), ...refusals },
      },
      config: { rateLimit: inviteRateLimit },
      preHandler: ownOrigin,
    },
    async (request) => ({ invite: await team.inviteInfo(request.body.token) }),
  );

  app.post(
    '/api/v1/invites/accept',
    {
      schema: {
        tags,
        summary:
          'Join with an invitation link: a name and a password; then sign in. The link works once',
        body: acceptInviteBody,
        response: { 201: memberReply, ...refusals },
      },
      config: { rateLimit: inviteRateLimit },
      preHandler: ownOrigin,
    },
    async (request, reply) => reply.status(201).send({ agent: await team.accept(request.body) }),
  );
}
