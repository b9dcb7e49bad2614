import type { FastifyBaseLogger } from 'fastify';
import type { Namespace, Server } from 'socket.io';
import {
  VISITOR_NAMESPACE,
  type VisitorClientEvents,
  type VisitorServerEvents,
} from '../../protocol/events';
import { visitorHandshake } from '../../protocol/schemas';
import type { Limits } from '../env';
import type { ClientResolver } from '../http/client-address';
import type { OriginPolicy } from '../http/origin-policy';
import type { VisitorIdentity, VisitorsService } from '../modules/visitors/visitors.service';
import { parseInput } from '../validation';
import { ConnectionCaps } from './connection-caps';
import { siteVisitorsRoom, visitorAddressRoom, visitorRoom } from './rooms';
import type { Metrics } from '../core/metrics';
import {
  handshakeError,
  observeEvents,
  releaseHandshakeRequest,
  serveEvents,
} from './serve-events';
import type { InFlight } from './in-flight';
import type { SocketEvents } from './socket-events';

export type VisitorNamespace = Namespace<
  VisitorClientEvents,
  VisitorServerEvents,
  object,
  { visitor: VisitorIdentity; release: () => void }
>;

/** The `/visitor` events, each registered by its module; handlers act for the visitor. */
export type VisitorEvents = SocketEvents<VisitorClientEvents, VisitorIdentity>;

export interface VisitorNamespaceDeps {
  visitors: VisitorsService;
  clientEvents: VisitorEvents;
  origins: OriginPolicy;
  client: ClientResolver;
  limits: Pick<Limits, 'visitorConnections' | 'addressConnections'>;
  metrics: Metrics;
  inFlight: InFlight;
  log: FastifyBaseLogger;
}

/**
 * `/visitor`: the widget. The handshake proves the visitor token and the embedding origin, and
 * takes one of the visitor's and one of its address's connection places.
 */
export function visitorNamespace(io: Server, deps: VisitorNamespaceDeps): VisitorNamespace {
  const { visitors, clientEvents, origins, client, limits, metrics, inFlight, log } = deps;
  const observe = observeEvents(metrics, 'visitor');
  const nsp: VisitorNamespace = io.of(VISITOR_NAMESPACE);
  const caps = new ConnectionCaps();

  nsp.use(async (socket, next) => {
    const places: (() => void)[] = [];
    try {
      const auth = parseInput(visitorHandshake, socket.handshake.auth);
      const request = socket.request;
      const address = client.address(request);
      places.push(caps.open(`address:${address}`, limits.addressConnections, 'address'));
      const origin = origins.browserOrigin(request);
      const visitor = await visitors.authenticate(auth.siteKey, auth.token, {
        origin,
        fromOwnFrame: origins.isOwn(origin, request),
        pageOrigin: auth.pageOrigin,
        address,
        language: auth.language,
      });
      places.push(caps.open(`visitor:${visitor.id}`, limits.visitorConnections, 'visitor'));
      socket.data.visitor = visitor;
      // Given back on disconnect, or when the connection closes before `connection` fires.
      socket.data.release = () => places.forEach((release) => release());
      socket.conn.once('close', socket.data.release);
      next();
    } catch (error) {
      places.forEach((release) => release());
      next(handshakeError(error));
    }
  });

  nsp.on('connection', (socket) => {
    releaseHandshakeRequest(socket);
    const visitor = socket.data.visitor;
    socket.once('disconnect', socket.data.release);
    void socket.join([
      visitorRoom(visitor.id),
      visitorAddressRoom(visitor.orgId, visitor.address),
      siteVisitorsRoom(visitor.siteId),
    ]);
    serveEvents(socket, clientEvents, visitor, log, { observe, inFlight });
  });
  return nsp;
}
