import type { FastifyInstance } from 'fastify';
import { loginBody } from '../../../protocol/schemas';
import type { ClientResolver } from '../../http/client-address';
import { agentOf, requireAgent, requireOwnOrigin } from '../../plugins/agent-auth';
import type { OriginPolicy } from '../../http/origin-policy';
import { parseInput } from '../../validation';
import type { AuthService } from './auth.service';
import type { SessionCookie } from './session-cookie';

export interface AuthRouteDeps {
  auth: AuthService;
  cookie: SessionCookie;
  origins: OriginPolicy;
  client: ClientResolver;
}

export function authRoutes(
  app: FastifyInstance,
  { auth, cookie, origins, client }: AuthRouteDeps,
): void {
  const ownOrigin = requireOwnOrigin(origins);

  app.post('/api/v1/auth/login', { preHandler: ownOrigin }, async (request, reply) => {
    const credentials = parseInput(loginBody, request.body);
    const { agent, token } = await auth.login(credentials, client.address(request.raw));
    cookie.set(reply, request.raw, token);
    return { agent };
  });

  app.post('/api/v1/auth/logout', { preHandler: ownOrigin }, async (request, reply) => {
    const token = cookie.read(request.raw, request.cookies);
    if (token) await auth.logout(token);
    cookie.clear(reply, request.raw);
    return reply.status(204).send();
  });

  app.get('/api/v1/me', { preHandler: requireAgent(auth, cookie) }, async (request) => {
    const { sessionHash, sessionExpiresAt, ...agent } = agentOf(request);
    return { agent };
  });
}
