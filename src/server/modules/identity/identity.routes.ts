import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import {
  identifyBody,
  identifyReply,
  identitySecretReply,
  siteIdentitySettings,
  updateSiteIdentityBody,
} from '../../../protocol/visitor-schemas';
import type { ClientResolver } from '../../http/client-address';
import { FROM_HOST_PAGE } from '../../http/host-page-json';
import type { OriginPolicy } from '../../http/origin-policy';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { IdentityService } from './identity.service';

export interface IdentityRouteDeps {
  identity: IdentityService;
  origins: OriginPolicy;
  client: ClientResolver;
  guards: AgentRouteGuards;
}

const params = z.object({ id: entityId });
const security = [{ session: [] }];
const tags = ['sites'];

export function identityRoutes(app: TypedApp, deps: IdentityRouteDeps): void {
  const { identity, origins, client, guards } = deps;
  app.post(
    '/api/v1/widget/identify',
    {
      schema: {
        tags: ['widget'],
        summary:
          '`Parley.identify` from the host page: a right hash (HMAC-SHA256 of id under the site secret) verifies the visitor and links its devices; otherwise the id is an unverified claim',
        body: identifyBody,
        response: { 200: identifyReply, ...refusals },
      },
      // A page identifies once per load; an office behind one address loads many. Guessing gains
      // nothing (the hash is 256 bits): this bounds the writes one address can cause.
      config: { ...FROM_HOST_PAGE, rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request) => {
      const origin = request.headers.origin;
      return identity.identify(request.body, {
        origin,
        fromOwnFrame: origins.isOwn(origin, request.raw),
        address: client.address(request.raw),
      });
    },
  );

  app.get(
    '/api/v1/sites/:id/identity',
    {
      schema: {
        tags,
        security,
        summary:
          'Whether a site has an identity secret (never the secret) and requires verification',
        params,
        response: { 200: z.object({ identity: siteIdentitySettings }), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({
      identity: await identity.settings(agentOf(request), request.params.id),
    }),
  );

  app.post(
    '/api/v1/sites/:id/identity/secret',
    {
      schema: {
        tags,
        security,
        summary:
          "Make or rotate a site's identity secret (owners and admins). The reply is the only time it is shown; hashes made with the old one stop verifying",
        params,
        response: { 201: identitySecretReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) =>
      reply.status(201).send(await identity.rotateSecret(agentOf(request), request.params.id)),
  );

  app.patch(
    '/api/v1/sites/:id/identity',
    {
      schema: {
        tags,
        security,
        summary:
          'Require verified identity (owners and admins): identify without a right hash is refused',
        params,
        body: updateSiteIdentityBody,
        response: { 200: z.object({ identity: siteIdentitySettings }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      identity: await identity.setRequired(
        agentOf(request),
        request.params.id,
        request.body.required,
      ),
    }),
  );
}
