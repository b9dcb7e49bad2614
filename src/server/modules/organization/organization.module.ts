import { z } from 'zod';
import { organizationSchema, updateOrganizationBody } from '../../../protocol/settings-schemas';
import { parleyModule } from '../../http/module';
import { refusals } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { OrganizationService } from './organization.service';

const tags = ['organization'];
const security = [{ session: [] }];
const reply = z.object({ organization: organizationSchema });

export const organizationModule = parleyModule<{
  organization: OrganizationService;
  guards: AgentRouteGuards;
}>('organization', (app, { organization, guards }) => {
  app.get(
    '/api/v1/organization',
    {
      schema: {
        tags,
        security,
        summary: "The signed-in agent's organization",
        response: { 200: reply, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ organization: await organization.get(agentOf(request)) }),
  );
  app.patch(
    '/api/v1/organization',
    {
      schema: {
        tags,
        security,
        summary: 'Change the name, default language or time zone (owners and admins)',
        body: updateOrganizationBody,
        response: { 200: reply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      organization: await organization.update(agentOf(request), request.body),
    }),
  );
});
