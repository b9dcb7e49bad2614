import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import { isSameHost } from '../origin';
import { SESSION_COOKIE } from '../../protocol/events';
import type { AgentIdentity, AuthService } from '../modules/auth/auth.service';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentIdentity;
  }
}

/** preHandler: the session cookie must name a live session; the agent lands on `request.agent`. */
export function requireAgent(auth: AuthService) {
  return async (request: FastifyRequest): Promise<void> => {
    const agent = await auth.authenticate(request.cookies[SESSION_COOKIE]);
    if (!agent) throw new AppError('unauthorized', 'Sign in first');
    request.agent = agent;
  };
}

/** The agent a `requireAgent` route runs for. */
export function agentOf(request: FastifyRequest): AgentIdentity {
  if (!request.agent) throw new AppError('unauthorized', 'Sign in first');
  return request.agent;
}

/**
 * Cookie-authenticated writes must come from our own pages. SameSite=Lax already keeps the cookie
 * off cross-site POSTs; this also refuses a cross-origin Origin header outright.
 */
export async function requireSameOrigin(
  request: FastifyRequest,
  _reply: FastifyReply,
): Promise<void> {
  const origin = request.headers.origin;
  if (origin !== undefined && !isSameHost(origin, request.headers.host)) {
    throw new AppError('forbidden_origin', 'Cross-origin request refused');
  }
}
