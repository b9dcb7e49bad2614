import type { FastifyBaseLogger } from 'fastify';
import type { Namespace, Server } from 'socket.io';
import {
  AGENT_NAMESPACE,
  type AgentClientEvents,
  type AgentServerEvents,
} from '../../protocol/events';
import { AppError } from '../errors';
import type { OriginPolicy } from '../http/origin-policy';
import type { AgentIdentity, AuthService } from '../modules/auth/auth.service';
import type { SessionCookie } from '../modules/auth/session-cookie';
import { checkTwoFactorPolicy } from '../plugins/agent-auth';
import { agentRoom, orgAgentsRoom, sessionRoom } from './rooms';
import type { Metrics } from '../core/metrics';
import {
  handshakeError,
  observeEvents,
  releaseHandshakeRequest,
  serveEvents,
} from './serve-events';
import type { InFlight } from './in-flight';
import type { SocketEvents } from './socket-events';

export type AgentNamespace = Namespace<
  AgentClientEvents,
  AgentServerEvents,
  object,
  { agent: AgentIdentity; rooms: string[] }
>;

/** The `/agent` events, each registered by its module; handlers act for the signed-in agent. */
export type AgentEvents = SocketEvents<AgentClientEvents, AgentIdentity>;

export interface AgentNamespaceDeps {
  auth: AuthService;
  clientEvents: AgentEvents;
  cookie: SessionCookie;
  origins: OriginPolicy;
  parseCookies: (header: string) => Record<string, string | undefined>;
  metrics: Metrics;
  inFlight: InFlight;
  log: FastifyBaseLogger;
  /** The rooms of the conversations the agent may see (read at each handshake). */
  visibilityRooms: (agent: AgentIdentity) => Promise<string[]>;
  /** Told when an agent's socket is gone, e.g. to end what it was viewing. */
  disconnected: (agent: AgentIdentity) => void;
}

/**
 * `/agent`: the console. The handshake needs the session cookie and must come from one of our
 * own pages: exactly our origin, or a same-origin browser request without one (see OriginPolicy).
 */
export function agentNamespace(io: Server, deps: AgentNamespaceDeps): AgentNamespace {
  const { auth, clientEvents, cookie, origins, parseCookies, metrics, inFlight, log } = deps;
  const { visibilityRooms, disconnected } = deps;
  const observe = observeEvents(metrics, 'agent');
  const nsp: AgentNamespace = io.of(AGENT_NAMESPACE);

  nsp.use(async (socket, next) => {
    try {
      const request = socket.request;
      // Cross-site WebSocket hijacking: another page must not ride the agent's cookie.
      if (!origins.isOwn(origins.browserOrigin(request), request)) {
        throw new AppError(
          'forbidden_origin',
          'Origin not allowed: the console connects from its own origin',
        );
      }
      const cookies = request.headers.cookie ? parseCookies(request.headers.cookie) : {};
      const agent = await auth.authenticate(cookie.read(request, cookies));
      if (!agent) throw new AppError('unauthorized', 'Sign in first');
      checkTwoFactorPolicy(agent);
      socket.data.agent = agent;
      // Read before the connection is acknowledged, so it hears its conversations from the start.
      // Departments or settings changed later take effect on the next connection.
      socket.data.rooms = await visibilityRooms(agent);
      next();
    } catch (error) {
      next(handshakeError(error));
    }
  });

  nsp.on('connection', (socket) => {
    releaseHandshakeRequest(socket);
    const agent = socket.data.agent;
    void socket.join([
      orgAgentsRoom(agent.orgId),
      agentRoom(agent.id),
      sessionRoom(agent.sessionHash),
      ...socket.data.rooms,
    ]);
    socket.on('disconnect', () => disconnected(agent));
    // A socket outliving its session must not keep acting for it (the sweep catches the rest).
    const authorize = () =>
      auth.hasExpired(agent)
        ? new AppError('unauthorized', 'The session has expired; sign in again')
        : undefined;
    serveEvents(socket, clientEvents, agent, log, { authorize, observe, inFlight });
  });
  return nsp;
}
