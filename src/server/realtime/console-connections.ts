import type { FastifyBaseLogger } from 'fastify';
import type { AgentIdentity } from '../modules/auth/auth.service';
import type { AgentNamespace } from './agent.namespace';
import { agentRoom } from './rooms';

type ConsoleListener = (agent: AgentIdentity) => unknown;

/**
 * Which agents have a console open, on any node: what presence needs and nothing else. Asking
 * another node goes through the adapter (Redis when there are several), and rejects when a node
 * does not answer in time: callers then keep what they know rather than guess.
 */
export interface ConsoleConnections {
  /** True while at least one socket of the agent is connected, on this node or another. */
  isConnected(agentId: string): Promise<boolean>;
  /** Every agent with a connected console, cluster-wide. */
  connectedAgentIds(): Promise<Set<string>>;
  /** Told of each console socket that connects on this node, once it has joined its rooms. */
  onConnect(listener: ConsoleListener): void;
  /** Told of each console socket of this node that disconnects (it has left its rooms). */
  onDisconnect(listener: ConsoleListener): void;
}

export function consoleConnections(
  nsp: AgentNamespace,
  log: FastifyBaseLogger,
): ConsoleConnections {
  const connects: ConsoleListener[] = [];
  const disconnects: ConsoleListener[] = [];
  const tell = (listeners: ConsoleListener[], agent: AgentIdentity) => {
    for (const listener of listeners) {
      Promise.resolve()
        .then(() => listener(agent))
        .catch((error: unknown) => log.error({ err: error }, 'a console listener failed'));
    }
  };
  // Registered after agentNamespace's own handler, so the socket is in its rooms by now.
  nsp.on('connection', (socket) => {
    const agent = socket.data.agent;
    tell(connects, agent);
    socket.on('disconnect', () => tell(disconnects, agent));
  });
  return {
    isConnected: async (agentId) => {
      // This node's own sockets answer without a round trip to the others.
      if ((nsp.adapter.rooms.get(agentRoom(agentId))?.size ?? 0) > 0) return true;
      return (await nsp.in(agentRoom(agentId)).fetchSockets()).length > 0;
    },
    connectedAgentIds: async () =>
      new Set((await nsp.fetchSockets()).map((socket) => socket.data.agent.id)),
    onConnect: (listener) => connects.push(listener),
    onDisconnect: (listener) => disconnects.push(listener),
  };
}
