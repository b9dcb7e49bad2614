import { z } from 'zod';
import {
  blockVisitorBody,
  createVisitorBody,
  createVisitorReplySchema,
  entityId,
} from '../../../protocol/schemas';
import type { ClientResolver } from '../../http/client-address';
import { FROM_HOST_PAGE } from '../../http/host-page-json';
import type { OriginPolicy } from '../../http/origin-policy';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { ConversationsService } from '../conversations/conversations.service';
import type { VisitorsService } from './visitors.service';

const params = z.object({ id: entityId });
const security = [{ session: [] }];

export interface VisitorRouteDeps {
  visitors: VisitorsService;
  conversations: ConversationsService;
  origins: OriginPolicy;
  client: ClientResolver;
  guards: AgentRouteGuards;
  /** New visitors one address may make in a minute (`PARLEY_LIMIT_ADDRESS_VISITORS_PER_MINUTE`). */
  visitorsPerAddressPerMinute: number;
}

export function visitorRoutes(app: TypedApp, deps: VisitorRouteDeps): void {
  const { visitors, conversations, origins, client, guards } = deps;

  app.post(
    '/api/v1/widget/visitors',
    {
      schema: {
        tags: ['widget'],
        summary: 'A new anonymous visitor of a site, and its token',
        body: createVisitorBody,
        response: { 201: createVisitorReplySchema, ...refusals },
      },
      // New anonymous visitors are cheap to ask for; bound how many one address can make.
      // The chat frame calls it from Parley's origin; the loader from the host page.
      config: {
        ...FROM_HOST_PAGE,
        rateLimit: { max: deps.visitorsPerAddressPerMinute, timeWindow: '1 minute' },
      },
    },
    async (request, reply) => {
      const origin = request.headers.origin;
      const created = await visitors.create(request.body, {
        origin,
        fromOwnFrame: origins.isOwn(origin, request.raw),
        address: client.address(request.raw),
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api/v1/visitors/:id/block',
    {
      schema: {
        tags: ['visitors'],
        security,
        summary: 'Block a visitor, and with address: true the address it last came from',
        params,
        body: blockVisitorBody.optional(),
        response: {
          200: z.object({
            visitor: z.object({
              id: z.string(),
              blocked: z.boolean(),
              addressBlocked: z.boolean(),
            }),
          }),
          ...refusals,
        },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => {
      const agent = agentOf(request);
      const { id } = request.params;
      const blocked = await visitors.block(agent, id, { address: request.body?.address ?? false });
      await conversations.announceVisitorChange(agent.orgId, id);
      return { visitor: { id, blocked: true, addressBlocked: blocked.address !== null } };
    },
  );

  app.delete(
    '/api/v1/visitors/:id/block',
    {
      schema: {
        tags: ['visitors'],
        security,
        summary: "Lift a visitor's block, and the address block it caused",
        params,
        response: { 204: z.null(), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      const agent = agentOf(request);
      await visitors.unblock(agent, request.params.id);
      await conversations.announceVisitorChange(agent.orgId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
