import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import {
  liveVisitorsQuery,
  liveVisitorsReply,
  visitorProfileChanges,
  visitorProfileReply,
} from '../../../protocol/visitor-schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { ConversationsService } from '../conversations/conversations.service';
import type { VisitorProfilesService } from './visitor-profiles.service';

const tags = ['visitors'];
const security = [{ session: [] }];
const params = z.object({ id: entityId });

export interface VisitorProfileRouteDeps {
  profiles: VisitorProfilesService;
  conversations: ConversationsService;
  guards: AgentRouteGuards;
}

export function visitorProfileRoutes(app: TypedApp, deps: VisitorProfileRouteDeps): void {
  const { profiles, conversations, guards } = deps;

  app.get(
    '/api/v1/visitors/live',
    {
      schema: {
        tags,
        security,
        summary: "Everyone on the organization's sites now, the latest seen first",
        querystring: liveVisitorsQuery,
        response: { 200: liveVisitorsReply, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => profiles.live(agentOf(request), request.query),
  );

  app.get(
    '/api/v1/visitors/:id',
    {
      schema: {
        tags,
        security,
        summary: "A visitor's profile: now, this visit's pages, earlier visits and conversations",
        params,
        response: { 200: visitorProfileReply, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => profiles.profile(agentOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/visitors/:id',
    {
      schema: {
        tags,
        security,
        summary: "Correct a visitor's name or email, or write notes about them",
        params,
        body: visitorProfileChanges,
        response: { 200: visitorProfileReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => {
      const agent = agentOf(request);
      const profile = await profiles.update(agent, request.params.id, request.body);
      // The name and email show in the conversation lists too.
      if (request.body.name !== undefined || request.body.email !== undefined) {
        await conversations.announceVisitorChange(agent.orgId, request.params.id);
      }
      return profile;
    },
  );
}
