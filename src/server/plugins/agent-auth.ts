import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { OriginPolicy } from '../http/origin-policy';
import type { AgentIdentity, AuthService } from '../modules/auth/auth.service';
import type { SessionCookie } from '../modules/auth/session-cookie';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentIdentity;
  }
}

/** preHandler: the session cookie must name a live session; the agent lands on `request.agent`. */
export function requireAgent(auth: AuthService, cookie: SessionCookie) {
  return async (request: FastifyRequest): Promise<void> => {
    const agent = await auth.authenticate(cookie.read(request.raw, request.cookies));
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
 * preHandler for cookie-authenticated writes (and sign-in): they must come from our own pages.
 * Browsers send Origin with every POST, PATCH and DELETE, so a missing one is refused too.
 */
export function requireOwnOrigin(origins: OriginPolicy) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!origins.isOwn(request.headers.origin, request.raw)) {
      throw new AppError('forbidden_origin', 'Cross-origin request refused');
    }
  };
}

/** The preHandlers of agent routes: reads need a session; writes also our own origin, first. */
export interface AgentRouteGuards {
  agent: (request: FastifyRequest) => Promise<void>;
  agentWrite: ((request: FastifyRequest) => Promise<void>)[];
}

export function agentRouteGuards(
  auth: AuthService,
  cookie: SessionCookie,
  origins: OriginPolicy,
): AgentRouteGuards {
  const agent = requireAgent(auth, cookie);
  return { agent, agentWrite: [requireOwnOrigin(origins), agent] };
}
