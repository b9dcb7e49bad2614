import type { FastifyBaseLogger } from 'fastify';
import type { Namespace, Server } from 'socket.io';
import {
  VISITOR_NAMESPACE,
  type VisitorClientEvents,
  type VisitorServerEvents,
} from '../../protocol/events';
import {
  visitorHandshake,
  visitorReadPayload,
  visitorSendPayload,
  visitorSyncPayload,
  visitorTypingPayload,
} from '../../protocol/schemas';
import type { ConversationsService } from '../modules/conversations/conversations.service';
import type { VisitorIdentity, VisitorsService } from '../modules/visitors/visitors.service';
import { parseInput } from '../validation';
import { visitorRoom } from './rooms';
import {
  handler,
  handshakeError,
  releaseHandshakeRequest,
  serveEvents,
  type Handlers,
} from './serve-events';

export type VisitorNamespace = Namespace<
  VisitorClientEvents,
  VisitorServerEvents,
  object,
  { visitor: VisitorIdentity }
>;

/** `/visitor`: the widget. The handshake proves the visitor token and the embedding origin. */
export function visitorNamespace(
  io: Server,
  visitors: VisitorsService,
  conversations: ConversationsService,
  log: FastifyBaseLogger,
): VisitorNamespace {
  const nsp: VisitorNamespace = io.of(VISITOR_NAMESPACE);

  nsp.use(async (socket, next) => {
    try {
      const auth = parseInput(visitorHandshake, socket.handshake.auth);
      const { origin, host } = socket.handshake.headers;
      socket.data.visitor = await visitors.authenticate(auth.siteKey, auth.token, {
        origin,
        host,
        pageOrigin: auth.pageOrigin,
      });
      next();
    } catch (error) {
      next(handshakeError(error));
    }
  });

  nsp.on('connection', (socket) => {
    releaseHandshakeRequest(socket);
    const visitor = socket.data.visitor;
    void socket.join(visitorRoom(visitor.id));
    const handlers: Handlers<VisitorClientEvents> = {
      'message:send': handler(visitorSendPayload, async (p) => ({
        message: await conversations.sendVisitorMessage(visitor, p),
      })),
      'conversation:sync': handler(visitorSyncPayload, (p) =>
        conversations.syncForVisitor(visitor, p),
      ),
      typing: handler(visitorTypingPayload, async (p) => {
        await conversations.visitorTyping(visitor, p);
        return null;
      }),
      'conversation:read': handler(visitorReadPayload, async (p) => {
        await conversations.markReadByVisitor(visitor, p);
        return null;
      }),
    };
    serveEvents(socket, handlers, log);
  });
  return nsp;
}
