import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import {
  allowOriginBody,
  refusedOriginSchema,
  widgetConfigQuery,
  widgetConfigSchema,
} from '../../../protocol/embedding';
import type { ClientResolver } from '../../http/client-address';
import type { OriginPolicy } from '../../http/origin-policy';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { RefusedOriginsService } from './refused-origins.service';
import type { UiLanguage } from '../../../protocol/ui-languages';
import { launcherTexts, widgetLanguage } from './launcher-texts';

export interface RefusedOriginRouteDeps {
  refusedOrigins: RefusedOriginsService;
  origins: OriginPolicy;
  client: ClientResolver;
  guards: AgentRouteGuards;
}

const params = z.object({ id: entityId });
const security = [{ session: [] }];

export function refusedOriginRoutes(app: TypedApp, deps: RefusedOriginRouteDeps): void {
  const { refusedOrigins, origins, client, guards } = deps;

  /**
   * The asking page's origin. A browser's cross-origin fetch always carries `Origin`; a
   * same-origin GET (our own /demo page) carries none, and over plain HTTP on a host name that is
   * not localhost no `Sec-Fetch-Site` either, so a request without them counts as coming from this
   * server's own origin. Anything else forges headers at will, and learns only yes or no.
   */
  const pageOrigin = (request: FastifyRequest): string | undefined =>
    origins.browserOrigin(request.raw) ?? client.requestOrigin(request.raw);

  app.get(
    '/api/v1/widget/config',
    {
      schema: {
        tags: ['widget'],
        summary: "Whether the calling page's origin may embed a site's widget (the loader asks)",
        querystring: widgetConfigQuery,
        response: { 200: widgetConfigSchema, ...refusals },
      },
      // Every page view of every shop asks once; an address asking more than this is not a shop.
      config: {
        rateLimit: { max: 120, timeWindow: '1 minute' },
      },
    },
    async (request, reply) => {
      const answer = await refusedOrigins.check(request.query.site, pageOrigin(request));
      if (answer.widget) {
        answer.language = widgetLanguage(request.query.lang, answer.widget.defaultLanguage);
        answer.launcher = await launcherTexts(answer.language as UiLanguage);
      }
      // Public and without credentials: any page may read it. It depends on Origin, and an
      // allowed origin must be seen at once, so no cache keeps it.
      return reply
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('vary', 'Origin')
        .header('cache-control', 'no-store')
        .send(answer);
    },
  );

  app.get(
    '/api/v1/sites/:id/refused-origins',
    {
      schema: {
        tags: ['sites'],
        security,
        summary: "Origins the site's widget was refused on lately, newest first (owners, admins)",
        params,
        response: { 200: z.object({ origins: z.array(refusedOriginSchema) }), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({
      origins: await refusedOrigins.list(agentOf(request), request.params.id),
    }),
  );

  app.post(
    '/api/v1/sites/:id/allowed-origins',
    {
      schema: {
        tags: ['sites'],
        security,
        summary: 'Allow one more origin to embed the site (owners, admins): the "Allow" button',
        params,
        body: allowOriginBody,
        response: { 200: z.object({ allowedOrigins: z.array(z.string()) }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      allowedOrigins: await refusedOrigins.allow(
        agentOf(request),
        request.params.id,
        request.body.origin,
      ),
    }),
  );
}
