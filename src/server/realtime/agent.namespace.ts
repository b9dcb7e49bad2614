import type { FastifyBaseLogger } from 'fastify';
import type { Namespace, Server } from 'socket.io';
import {
  AGENT_NAMESPACE,
  type AgentClientEvents,
  type AgentServerEvents,
} from '../../protocol/events';
import {
  agentListPayload,
  agentReadPayload,
  agentResolvePayload,
  agentSendPayload,
  agentSyncPayload,
  agentTypingPayload,
} from '../../protocol/schemas';
import { AppError } from '../errors';
import type { OriginPolicy } from '../http/origin-policy';
import type { AgentIdentity, AuthService } from '../modules/auth/auth.service';
import type { SessionCookie } from '../modules/auth/session-cookie';
import type { ConversationsService } from '../modules/conversations/conversations.service';
import { orgAgentsRoom, sessionRoom } from './rooms';
import {
  handler,
  handshakeError,
  releaseHandshakeRequest,
  serveEvents,
  type Handlers,
} from './serve-events';

export type AgentNamespace = Namespace<
  AgentClientEvents,
  AgentServerEvents,
  object,
  { agent: AgentIdentity }
>;

export interface AgentNamespaceDeps {
  auth: AuthService;
  conversations: ConversationsService;
  cookie: SessionCookie;
  origins: OriginPolicy;
  parseCookies: (header: string) => Record<string, string | undefined>;
  log: FastifyBaseLogger;
}

/**
 * `/agent`: the console. The handshake needs the session cookie and must come from one of our
 * own pages: exactly our origin, or a same-origin browser request without one (see OriginPolicy).
 */
export function agentNamespace(io: Server, deps: AgentNamespaceDeps): AgentNamespace {
  const { auth, conversations, cookie, origins, parseCookies, log } = deps;
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
      socket.data.agent = agent;
      next();
    } catch (error) {
      next(handshakeError(error));
    }
  });

  nsp.on('connection', (socket) => {
    releaseHandshakeRequest(socket);
    const agent = socket.data.agent;
    void socket.join([orgAgentsRoom(agent.orgId), sessionRoom(agent.sessionHash)]);
    const handlers: Handlers<AgentClientEvents> = {
      'message:send': handler(agentSendPayload, async (p) => ({
        message: await conversations.sendAgentMessage(agent, p.conversationId, p),
      })),
      'conversation:sync': handler(agentSyncPayload, (p) =>
        conversations.syncForAgent(agent, p.conversationId, p.afterSeq),
      ),
      'conversation:list': handler(agentListPayload, (p) => conversations.listForAgent(agent, p)),
      'conversation:read': handler(agentReadPayload, async (p) => {
        await conversations.markReadByAgent(agent, p.conversationId, p.seq);
        return null;
      }),
      'conversation:resolve': handler(agentResolvePayload, async (p) => ({
        conversation: await conversations.resolve(agent, p.conversationId),
      })),
      typing: handler(agentTypingPayload, async (p) => {
        await conversations.agentTyping(agent, p.conversationId, p.typing);
        return null;
      }),
    };
    // A socket outliving its session must not keep acting for it (the sweep catches the rest).
    const authorize = () =>
      Date.parse(agent.sessionExpiresAt) <= Date.now()
        ? new AppError('unauthorized', 'The session has expired; sign in again')
        : undefined;
    serveEvents(socket, handlers, log, { authorize });
  });
  return nsp;
}
