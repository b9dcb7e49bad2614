import type { Server as HttpServer } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { Server, type ServerOptions } from 'socket.io';
import type { DomainEvents } from '../domain-events';
import type { Metrics } from '../core/metrics';
import type { Limits } from '../env';
import type { ClientResolver } from '../http/client-address';
import type { OriginPolicy } from '../http/origin-policy';
import type { AgentIdentity, AuthService } from '../modules/auth/auth.service';
import type { SessionCookie } from '../modules/auth/session-cookie';
import type { VisitorIdentity, VisitorsService } from '../modules/visitors/visitors.service';
import {
  AGENT_CLIENT_EVENTS,
  VISITOR_CLIENT_EVENTS,
  type AgentClientEvents,
  type VisitorClientEvents,
} from '../../protocol/events';
import type { ConversationVisibility } from '../modules/conversations/visibility';
import { scopeRooms } from './audience';
import { agentNamespace, type AgentEvents, type AgentNamespace } from './agent.namespace';
import { guardBackpressure } from './backpressure';
import { consoleConnections, type ConsoleConnections } from './console-connections';
import { engineGuard } from './engine-guard';
import { InFlight } from './in-flight';
import { listenForAgents, listenForVisitors } from './listeners';
import { sweepEndedSessions } from './session-sweep';
import { SocketEvents } from './socket-events';
import { visitorNamespace, type VisitorEvents, type VisitorNamespace } from './visitor.namespace';

// Room for a 10,000-character body even when every character is JSON-escaped (\uXXXX).
const MAX_PACKET_BYTES = 128 * 1024;

export interface RealtimeDeps {
  auth: AuthService;
  visitors: VisitorsService;
  events: DomainEvents;
  cookie: SessionCookie;
  origins: OriginPolicy;
  client: ClientResolver;
  parseCookies: (header: string) => Record<string, string | undefined>;
  limits: Limits;
  sessionCheckMs: number;
  metrics: Metrics;
  /** Set when several nodes share a Redis: events then reach every node's sockets. */
  adapter?: ServerOptions['adapter'];
  log: FastifyBaseLogger;
  /** Which conversations an agent may see, to join the rooms they are announced in. */
  visibility: ConversationVisibility;
}

export interface Realtime {
  io: Server;
  /** Where modules register the events agents' consoles send. */
  agentEvents: AgentEvents;
  /** Where modules register the events visitors' widgets send. */
  visitorEvents: VisitorEvents;
  /** Which agents have a console open, cluster-wide, and when one connects or leaves. */
  consoles: ConsoleConnections;
  /** Adds a listener told when an agent's socket (on this node) is gone. */
  onAgentDisconnect(listener: (agent: AgentIdentity) => void): void;
  /** Fails the start when a client event of the protocol has no handler. */
  assertComplete(): void;
  /**
   * Stops taking events: closes every socket (clients reconnect, to another node if there is
   * one) and resolves once the events being handled have finished, or after `timeoutMs`.
   */
  drain(timeoutMs: number): Promise<void>;
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
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });
  io.engine.use(engineGuard);
  const agentEvents = new SocketEvents<AgentClientEvents, AgentIdentity>('/agent');
  const visitorEvents = new SocketEvents<VisitorClientEvents, VisitorIdentity>('/visitor');
  const inFlight = new InFlight();
  const visitors = visitorNamespace(io, { ...deps, clientEvents: visitorEvents, inFlight });
  const disconnectListeners: ((agent: AgentIdentity) => void)[] = [];
  const agents = agentNamespace(io, {
    ...deps,
    clientEvents: agentEvents,
    inFlight,
    visibilityRooms: async (agent) => scopeRooms(agent.orgId, await deps.visibility.scopeOf(agent)),
    disconnected: (agent) => {
      for (const listener of disconnectListeners) listener(agent);
    },
  });
  listenForVisitors(deps.events, visitors);
  listenForAgents(deps.events, agents);
  const stopBackpressure = guardBackpressure(io, deps.limits, deps.log, () =>
    deps.metrics.slowReadersClosed.inc(),
  );
  deps.metrics.gauge('parley_connected_sockets', 'Open sockets, by namespace', 'namespace', () => ({
    visitor: visitors.sockets.size,
    agent: agents.sockets.size,
  }));
  countConnected(deps.metrics, visitors, agents);
  observeDeliveries(deps.metrics, visitors, 'visitor');
  observeDeliveries(deps.metrics, agents, 'agent');
  deps.events.on('message.created', (e) =>
    deps.metrics.messages.inc({ author: e.message.author.type }),
  );
  const stopSweep = sweepEndedSessions(agents, deps.auth, deps.sessionCheckMs, deps.log);
  return {
    io,
    agentEvents,
    visitorEvents,
    consoles: consoleConnections(agents, deps.log),
    onAgentDisconnect: (listener) => disconnectListeners.push(listener),
    assertComplete: () => {
      agentEvents.assertComplete(AGENT_CLIENT_EVENTS);
      visitorEvents.assertComplete(VISITOR_CLIENT_EVENTS);
    },
    drain: async (timeoutMs) => {
      stopBackpressure();
      stopSweep();
      io.disconnectSockets(true);
      io.engine.close();
      await inFlight.drained(timeoutMs);
    },
  };
}

/** Distinct people connected to this node (one visitor with three tabs counts once). */
function countConnected(metrics: Metrics, visitors: VisitorNamespace, agents: AgentNamespace) {
  const distinct = (ids: Iterable<string>) => new Set(ids).size;
  metrics.value('parley_connected_visitors', 'Visitors with an open socket on this node', () =>
    distinct([...visitors.sockets.values()].map((s) => s.data.visitor.id)),
  );
  metrics.value('parley_connected_agents', 'Agents with an open socket on this node', () =>
    distinct([...agents.sockets.values()].map((s) => s.data.agent.id)),
  );
}

/**
 * Times each `message:new` push from its commit to its leaving for a socket of this node,
 * whichever node committed it (through the Redis adapter too). Node clocks differ a little;
 * the histogram is for spotting seconds, not microseconds.
 */
function observeDeliveries(
  metrics: Metrics,
  nsp: VisitorNamespace | AgentNamespace,
  namespace: string,
): void {
  nsp.on('connection', (socket) => {
    socket.onAnyOutgoing((event: string, payload: { createdAt?: unknown }) => {
      if (event !== 'message:new' || typeof payload.createdAt !== 'string') return;
      const committed = Date.parse(payload.createdAt);
      if (Number.isFinite(committed))
        metrics.deliverySeconds.observe({ namespace }, Math.max(0, Date.now() - committed) / 1000);
    });
  });
}
