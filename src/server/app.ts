import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Server } from 'socket.io';
import { SESSION_COOKIE } from '../protocol/events';
import { createDb, isReady, type Db } from './db/database';
import { migrateToLatest } from './db/migrate';
import { DomainEvents } from './domain-events';
import type { Config } from './env';
import { AppError } from './errors';
import { AgentsRepository } from './modules/auth/agents.repository';
import { authRoutes } from './modules/auth/auth.routes';
import { AuthService } from './modules/auth/auth.service';
import { SessionsRepository } from './modules/auth/sessions.repository';
import { seedFirstRun, type FirstRunResult } from './modules/bootstrap/first-run';
import { conversationRoutes } from './modules/conversations/conversations.routes';
import { ConversationsService } from './modules/conversations/conversations.service';
import { SitesRepository } from './modules/sites/sites.repository';
import { visitorRoutes } from './modules/visitors/visitors.routes';
import { VisitorsRepository } from './modules/visitors/visitors.repository';
import { VisitorsService } from './modules/visitors/visitors.service';
import { installErrorHandler } from './plugins/error-handler';
import { webAssets } from './plugins/web-assets';
import { createRealtime } from './realtime/gateway';

export const DEFAULT_DIST_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dist',
);

export interface Parley {
  http: FastifyInstance;
  io: Server;
  db: Db;
  /** What the first start on an empty store created; undefined on later starts. */
  firstRun: FirstRunResult | undefined;
}

/**
 * Builds the whole server from a config: store (checked and migrated: a StoreError says why it
 * cannot be used), HTTP routes and realtime gateway.
 * `http.close()` stops it all: sockets first, then the HTTP server, then the store.
 */
export async function buildApp(
  config: Config,
  options: { distDir?: string } = {},
): Promise<Parley> {
  const http = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: 128 * 1024,
    trustProxy: config.trustProxy,
  });
  const db = await createDb(config.database.url, {
    poolSize: config.database.poolSize,
    statementTimeoutMs: config.database.statementTimeoutMs,
    warn: (message) => http.log.warn(message),
  });
  let firstRun: FirstRunResult | undefined;
  try {
    await migrateToLatest(db);
    firstRun = await seedFirstRun(db, config);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const events = new DomainEvents();
  const auth = new AuthService(new AgentsRepository(db), new SessionsRepository(db), events);
  const visitors = new VisitorsService(new SitesRepository(db), new VisitorsRepository(db));
  const conversations = new ConversationsService(db, events);

  installErrorHandler(http);
  await http.register(fastifyCookie);
  await http.register(fastifyHelmet, { contentSecurityPolicy: { directives: consoleCsp } });
  await http.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: () => new AppError('rate_limited', 'Too many requests; slow down'),
  });

  http.get('/healthz', async () => ({ status: 'ok' }));
  http.get('/readyz', async (_request, reply) =>
    (await isReady(db)) ? { status: 'ready' } : reply.status(503).send({ status: 'unavailable' }),
  );
  authRoutes(http, auth, config.publicUrl.startsWith('https:'));
  visitorRoutes(http, visitors);
  conversationRoutes(http, conversations, auth);
  await webAssets(http, options.distDir ?? DEFAULT_DIST_DIR, db);

  const io = createRealtime(http.server, {
    auth,
    visitors,
    conversations,
    events,
    readSessionToken: (header) => (header ? http.parseCookie(header)[SESSION_COOKIE] : undefined),
    log: http.log,
  });
  http.addHook('preClose', async () => {
    io.disconnectSockets(true);
    io.engine.close();
  });
  http.addHook('onClose', async () => {
    await db.destroy();
  });
  return { http, io, db, firstRun };
}

const consoleCsp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // Parley is often run on plain http://localhost; HTTPS deployments set HSTS at their proxy.
  upgradeInsecureRequests: null,
};
