import { z } from 'zod';
import { entityId, plainText } from '../../../protocol/schemas';
import {
  createSiteBody,
  siteSettingsSchema,
  updateSiteBody,
  widgetConfigSchema,
} from '../../../protocol/settings-schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { SitesService } from './sites.service';

const tags = ['sites'];
const security = [{ session: [] }];
const siteReply = z.object({ site: siteSettingsSchema });
const params = z.object({ id: entityId });

export function siteRoutes(app: TypedApp, sites: SitesService, guards: AgentRouteGuards): void {
  app.get(
    '/api/v1/sites',
    {
      schema: {
        tags,
        security,
        summary: "The organization's sites, with their settings (owners and admins)",
        response: { 200: z.object({ sites: z.array(siteSettingsSchema) }), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ sites: await sites.list(agentOf(request)) }),
  );

  app.post(
    '/api/v1/sites',
    {
      schema: {
        tags,
        security,
        summary: 'Add a site (owners and admins); it gets its own widget key',
        body: createSiteBody,
        response: { 201: siteReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) =>
      reply.status(201).send({ site: await sites.create(agentOf(request), request.body) }),
  );

  app.get(
    '/api/v1/sites/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One site, with its settings (owners and admins)',
        params,
        response: { 200: siteReply, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ site: await sites.get(agentOf(request), request.params.id) }),
  );

  app.patch(
    '/api/v1/sites/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'Change a site (owners and admins): name, allowed origins, widget settings, message limit. Open widgets take new widget settings at once',
        params,
        body: updateSiteBody,
        response: { 200: siteReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      site: await sites.update(agentOf(request), request.params.id, request.body),
    }),
  );

  app.delete(
    '/api/v1/sites/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'Delete a site (owners and admins): its widget stops; its conversations stay, archived',
        params,
        response: { 204: z.null(), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      await sites.remove(agentOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/widget/sites/:key/config',
    {
      schema: {
        tags: ['widget'],
        summary:
          "A site's widget settings, for the loader and the chat frame. Public (the key is), readable from any page, cached for a minute",
        params: z.object({ key: plainText(64).min(1) }),
        response: { 200: widgetConfigSchema, ...refusals },
      },
    },
    async (request, reply) => {
      const config = await sites.widgetConfig(request.params.key);
      // The loader reads it from the shop's page; nothing in it is secret, and no cookie is sent.
      reply
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', 'public, max-age=60');
      return config;
    },
  );
}
