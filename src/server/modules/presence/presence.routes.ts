import { z } from 'zod';
import {
  agentPresenceSchema,
  ownPresenceSchema,
  presenceSetPayload,
} from '../../../protocol/routing-schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { PresenceService } from './presence.service';

const tags = ['presence'];
const security = [{ session: [] }];

export function presenceRoutes(
  app: TypedApp,
  presence: PresenceService,
  guards: AgentRouteGuards,
): void {
  app.get(
    '/api/v1/agents/presence',
    {
      schema: {
        tags,
        security,
        summary: "The organization's active agents and whether each is online, away or offline",
        response: { 200: z.object({ agents: z.array(agentPresenceSchema) }), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ agents: await presence.list(agentOf(request)) }),
  );

  app.put(
    '/api/v1/presence',
    {
      schema: {
        tags,
        security,
        summary:
          'Set your own status. You show as it while a console of yours is open (online turns away when idle), and offline otherwise',
        body: presenceSetPayload,
        response: { 200: ownPresenceSchema, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => presence.setStatus(agentOf(request), request.body.status),
  );
}
