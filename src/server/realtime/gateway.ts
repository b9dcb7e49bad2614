import type { Server as HttpServer } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { Server } from 'socket.io';
import type { DomainEvents } from '../domain-events';
import type { AuthService } from '../modules/auth/auth.service';
import type { ConversationsService } from '../modules/conversations/conversations.service';
import type { VisitorsService } from '../modules/visitors/visitors.service';
import { agentNamespace } from './agent.namespace';
import { listenForAgents, listenForVisitors } from './listeners';
import { visitorNamespace } from './visitor.namespace';

// Room for a 10,000-character body even when every character is JSON-escaped (\uXXXX).
const MAX_PACKET_BYTES = 128 * 1024;

export interface RealtimeDeps {
  auth: AuthService;
  visitors: VisitorsService;
  conversations: ConversationsService;
  events: DomainEvents;
  readSessionToken: (cookieHeader: string | undefined) => string | undefined;
  log: FastifyBaseLogger;
}

/** The Socket.IO gateway: two namespaces and one listener per audience. */
export function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Server {
  const io = new Server(httpServer, {
    serveClient: false,
    // Deflate costs a lot of memory per connection for little gain on short chat messages.
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_PACKET_BYTES,
    transports: ['websocket', 'polling'],
  });
  const visitors = visitorNamespace(io, deps.visitors, deps.conversations, deps.log);
  const agents = agentNamespace(io, deps.auth, deps.conversations, deps.readSessionToken, deps.log);
  listenForVisitors(deps.events, visitors);
  listenForAgents(deps.events, agents);
  return io;
}
