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

/** Refused while the organization requires two-factor sign-in and the agent has not set it up. */
export function checkTwoFactorPolicy(agent: AgentIdentity): void {
  if (agent.twoFactorSetupRequired) {
    throw new AppError(
      'two_factor_setup_required',
      'Your organization requires two-factor sign-in: set it up in your Profile first',
    );
  }
}

/**
 * preHandler: the session cookie must name a live session; the agent lands on `request.agent`.
 * Unless `duringSetup` (what an agent needs to set up two-factor sign-in), an agent the
 * organization's two-factor requirement holds back is refused here, for every route at once.
 */
export function requireAgent(auth: AuthService, cookie: SessionCookie, duringSetup = false) {
  return async (request: FastifyRequest): Promise<void> => {
    const agent = await auth.authenticate(cookie.read(request.raw, request.cookies));
    if (!agent) throw new AppError('unauthorized', 'Sign in first');
    if (!duringSetup) checkTwoFactorPolicy(agent);
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

/**
 * The preHandlers of agent routes: reads need a session; writes also our own origin, first.
 * `setup`/`setupWrite`: the same, but open to an agent who must still set up two-factor sign-in.
 */
export interface AgentRouteGuards {
  agent: (request: FastifyRequest) => Promise<void>;
  agentWrite: ((request: FastifyRequest) => Promise<void>)[];
  setup: (request: FastifyRequest) => Promise<void>;
  setupWrite: ((request: FastifyRequest) => Promise<void>)[];
}

export function agentRouteGuards(
  auth: AuthService,
  cookie: SessionCookie,
  origins: OriginPolicy,
): AgentRouteGuards {
  const agent = requireAgent(auth, cookie);
  const setup = requireAgent(auth, cookie, true);
  const ownOrigin = requireOwnOrigin(origins);
  return { agent, agentWrite: [ownOrigin, agent], setup, setupWrite: [ownOrigin, setup] };
}
