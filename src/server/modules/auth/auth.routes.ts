import type { FastifyInstance } from 'fastify';
import { loginBody } from '../../../protocol/schemas';
import { SESSION_COOKIE } from '../../../protocol/events';
import { agentOf, requireAgent, requireSameOrigin } from '../../plugins/agent-auth';
import { parseInput } from '../../validation';
import { SESSION_TTL_MS, type AuthService } from './auth.service';

/**
 * `httpsOnly`: the public URL is https, so the cookie is always Secure. Otherwise it is Secure
 * whenever the request itself came over HTTPS (directly, or per X-Forwarded-Proto when
 * PARLEY_TRUST_PROXY is on).
 */
export function authRoutes(app: FastifyInstance, auth: AuthService, httpsOnly: boolean): void {
  app.post('/api/v1/auth/login', { preHandler: requireSameOrigin }, async (request, reply) => {
    const { agent, token } = await auth.login(parseInput(loginBody, request.body), request.ip);
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: httpsOnly || request.protocol === 'https',
      maxAge: SESSION_TTL_MS / 1000,
    });
    return { agent };
  });

  app.post('/api/v1/auth/logout', { preHandler: requireSameOrigin }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await auth.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/v1/me', { preHandler: requireAgent(auth) }, async (request) => {
    const { sessionHash, sessionExpiresAt, ...agent } = agentOf(request);
    return { agent };
  });
}
