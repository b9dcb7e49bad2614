import { z } from 'zod';
import { agentSchema, loginBody } from '../../../protocol/schemas';
import { agentLanguagesReply } from '../../../protocol/settings-schemas';
import type { ClientResolver } from '../../http/client-address';
import type { OriginPolicy } from '../../http/origin-policy';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, requireAgent, requireOwnOrigin } from '../../plugins/agent-auth';
import type { AuthService } from './auth.service';
import type { SessionCookie } from './session-cookie';

export interface AuthRouteDeps {
  auth: AuthService;
  cookie: SessionCookie;
  origins: OriginPolicy;
  client: ClientResolver;
}

const agentReply = z.object({ agent: agentSchema });
const tags = ['auth'];

export function authRoutes(app: TypedApp, { auth, cookie, origins, client }: AuthRouteDeps): void {
  const ownOrigin = requireOwnOrigin(origins);

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in; the session comes back as an httpOnly cookie',
        body: loginBody,
        response: { 200: agentReply, ...refusals },
      },
      preHandler: ownOrigin,
    },
    async (request, reply) => {
      const { agent, token } = await auth.login(request.body, client.address(request.raw));
      cookie.set(reply, request.raw, token);
      return { agent };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags,
        summary: 'End this session and close its sockets',
        response: { 204: z.null(), ...refusals },
      },
      preHandler: ownOrigin,
    },
    async (request, reply) => {
      const token = cookie.read(request.raw, request.cookies);
      if (token) await auth.logout(token);
      cookie.clear(reply, request.raw);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags,
        summary: 'The signed-in agent',
        security: [{ session: [] }],
        response: {
          200: agentReply.extend({
            /** The organization requires two-factor sign-in and this agent has none yet. */
            twoFactorSetupRequired: z.boolean(),
            /** This agent signs in with a second factor. */
            twoFactorEnabled: z.boolean(),
            ...agentLanguagesReply.shape,
          }),
          ...refusals,
        },
      },
      // Open while two-factor setup is required: the console learns of it here.
      preHandler: requireAgent(auth, cookie, true),
    },
    async (request) => {
      const me = agentOf(request);
      const { id, orgId, email, name, role } = me;
      return {
        agent: { id, orgId, email, name, role },
        twoFactorSetupRequired: me.twoFactorSetupRequired,
        twoFactorEnabled: me.twoFactorEnabled,
        ...(await auth.languagesOf(me)),
      };
    },
  );
}
