import type { Server as HttpServer } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { Server } from 'socket.io';
import type { DomainEvents } from '../domain-events';
import type { Limits } from '../env';
import type { ClientResolver } from '../http/client-address';
import type { OriginPolicy } from '../http/origin-policy';
import type { AuthService } from '../modules/auth/auth.service';
import type { SessionCookie } from '../modules/auth/session-cookie';
import type { ConversationsService } from '../modules/conversations/conversations.service';
import type { VisitorsService } from '../modules/visitors/visitors.service';
import { agentNamespace } from './agent.namespace';
import { guardBackpressure } from './backpressure';
import { engineGuard } from './engine-guard';
import { listenForAgents, listenForVisitors } from './listeners';
import { sweepEndedSessions } from './session-sweep';
import { visitorNamespace } from './visitor.namespace';

// Room for a 10,000-character body even when every character is JSON-escaped (\uXXXX).
const MAX_PACKET_BYTES = 128 * 1024;

export interface RealtimeDeps {
  auth: AuthService;
  visitors: VisitorsService;
  conversations: ConversationsService;
  events: DomainEvents;
  cookie: SessionCookie;
  origins: OriginPolicy;
  client: ClientResolver;
  parseCookies: (header: string) => Record<string, string | undefined>;
  limits: Limits;
  sessionCheckMs: number;
  log: FastifyBaseLogger;
}

export interface Realtime {
  io: Server;
  /** Stops the gateway's timers (the sockets close with the HTTP server). */
  stop(): void;
}

/** The Socket.IO gateway: two namespaces, one listener per audience, and the guards around them. */
export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Realtime {
  const io = new Server(httpServer, {
    serveClient: false,
    // Deflate costs a lot of memory per connection for little gain on short chat messages.
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_PACKET_BYTES,
    transports: ['websocket', 'polling'],
    // A connection that joins no namespace is dropped after this, not Socket.IO's 45 s.
    connectTimeout: 10_000,
  });
  io.engine.use(engineGuard);
  const visitors = visitorNamespace(io, deps);
  const agents = agentNamespace(io, deps);
  listenForVisitors(deps.events, visitors);
  listenForAgents(deps.events, agents);
  const stopBackpressure = guardBackpressure(io, deps.limits, deps.log);
  const stopSweep = sweepEndedSessions(agents, deps.auth, deps.sessionCheckMs, deps.log);
  return {
    io,
    stop: () => {
      stopBackpressure();
      stopSweep();
    },
  };
}
