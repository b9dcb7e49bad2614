import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Server } from 'socket.io';
import { systemClock, type Clock } from './core/clock';
import { Metrics } from './core/metrics';
import { connectRedis } from './cluster/redis-link';
import { MemoryAttemptCounter } from './core/attempt-counter';
import { JobQueue } from './core/jobs/job-queue';
import { MemoryRateLimiter } from './core/rate-limiter';
import { createDb, isReady, poolUse, type Db } from './db/database';
import { migrateToLatest } from './db/migrate';
import { writerFor } from './db/writer';
import { DomainEvents } from './domain-events';
import type { Config } from './env';
import { AppError } from './errors';
import { clientResolver, trustFunction } from './http/client-address';
import { originPolicy } from './http/origin-policy';
import { sharedRateLimitStore } from './http/shared-rate-limit-store';
import { useTypedRoutes } from './http/typed-routes';
import { acceptHostPageJson } from './http/host-page-json';
import { AgentsRepository } from './modules/auth/agents.repository';
import { authModule } from './modules/auth/auth.module';
import { AuthService } from './modules/auth/auth.service';
import { sessionCookie } from './modules/auth/session-cookie';
import { SessionsRepository } from './modules/auth/sessions.repository';
import { seedFirstRun, type FirstRunResult } from './modules/bootstrap/first-run';
import { conversationsModule } from './modules/conversations/conversations.module';
import { ConversationsService } from './modules/conversations/conversations.service';
import { jobsModule } from './modules/jobs/jobs.module';
import { JobsService } from './modules/jobs/jobs.service';
import { registerMessageJobs } from './modules/messages/messages.jobs';
import { registerAutoResolve } from './modules/conversations/auto-resolve.jobs';
import { SiteAvailability } from './modules/offline/availability';
import { registerOfflineMailJobs } from './modules/offline/offline-mail.jobs';
import { offlineModule } from './modules/offline/offline.module';
import { OfflineRepository } from './modules/offline/offline.repository';
import { OfflineService } from './modules/offline/offline.service';
import { MessagesService } from './modules/messages/messages.service';
import { VisitorAdmission } from './modules/conversations/visitor-admission';
import { registerRoutingJobs } from './modules/routing/routing.jobs';
import { routingModule } from './modules/routing/routing.module';
import { RoutingService } from './modules/routing/routing.service';
import { SitesRepository } from './modules/sites/sites.repository';
import { sitesModule } from './modules/sites/sites.module';
import { refusedOriginsModule } from './modules/sites/refused-origins.module';
import { RefusedOriginsRepository } from './modules/sites/refused-origins.repository';
import { RefusedOriginsService } from './modules/sites/refused-origins.service';
import { SitesService } from './modules/sites/sites.service';
import { visitorsModule } from './modules/visitors/visitors.module';
import { trackingModule } from './modules/tracking/tracking.module';
import { registerTrackingJobs } from './modules/tracking/tracking.jobs';
import { LiveVisitorsRepository } from './modules/tracking/live-visitors.repository';
import { TrackingRepository } from './modules/tracking/tracking.repository';
import { TrackingService } from './modules/tracking/tracking.service';
import { IpLocator } from './modules/tracking/enrichment';
import { identityModule } from './modules/identity/identity.module';
import { IdentityRepository } from './modules/identity/identity.repository';
import { IdentityService } from './modules/identity/identity.service';
import { presenceModule } from './modules/presence/presence.module';
import { PresenceService } from './modules/presence/presence.service';
import { organizationModule } from './modules/organization/organization.module';
import { OrganizationService } from './modules/organization/organization.service';
import { teamModule } from './modules/team/team.module';
import { departmentsModule } from './modules/departments/departments.module';
import { DepartmentsService } from './modules/departments/departments.service';
import { RoutingSettingsService } from './modules/departments/routing-settings';
import { TeamService } from './modules/team/team.service';
import { registerTransferJobs } from './modules/transfers/transfers.jobs';
import { transfersModule } from './modules/transfers/transfers.module';
import { TransfersService, type Requeue } from './modules/transfers/transfers.service';
import { smtpMailer } from './core/mailer';
import { profileModule } from './modules/auth/profile.module';
import { ProfileService } from './modules/auth/profile.service';
import { TwoFactor } from './modules/auth/two-factor';
import { PasswordReset } from './modules/auth/password-reset';
import { passwordResetModule } from './modules/auth/password-reset.module';
import { VisitorProfilesRepository } from './modules/visitors/visitor-profiles.repository';
import { VisitorProfilesService } from './modules/visitors/visitor-profiles.service';
import { VisitorsRepository } from './modules/visitors/visitors.repository';
import { VisitorsService } from './modules/visitors/visitors.service';
import { agentRouteGuards } from './plugins/agent-auth';
import { installErrorHandler } from './plugins/error-handler';
import { metricsRoute } from './plugins/metrics-route';
import { logRequests, loggerOptions } from './plugins/request-log';
import { securityHeaders } from './plugins/security-headers';
import { webAssets } from './plugins/web-assets';
import { createRealtime } from './realtime/gateway';
import { InboxService } from './modules/conversations/inbox.service';
import { invitationsModule } from './modules/invitations/invitations.module';
import { TranslationService } from './modules/translation/translation.service';
import { registerTranslationJobs } from './modules/translation/translation.jobs';
import { translationModule } from './modules/translation/translation.module';
import { InvitationsService } from './modules/invitations/invitations.service';

/** The version of this build, for the API document. */
const PARLEY_VERSION = '0.1.0';

export const DEFAULT_DIST_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dist',
);

export interface Parley {
  http: FastifyInstance;
  io: Server;
  db: Db;
  /** After-commit events, for tests that listen in (or fail on purpose). */
  events: DomainEvents;
  /** The message path, for modules (and tests) that append bot or system messages. */
  messages: MessagesService;
  /** Routing, for modules that send a conversation back to the queue (`requeue`) and for tests. */
  routing: RoutingService;
  /** The durable job queue, for modules (and tests) that enqueue work after a commit. */
  jobs: JobQueue;
  /** What the track route asks after each beacon: the invitation to show now, if any. */
  invitations: InvitationsService;
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
  options: {
    distDir?: string;
    clock?: Clock;
    /** What puts a conversation back in a queue (routing's); tests listen in through it. */
    requeue?: Requeue;
  } = {},
): Promise<Parley> {
  const trust = trustFunction(config.trustProxy);
  const http = Fastify({
    ...loggerOptions(config.logLevel),
    bodyLimit: 128 * 1024,
    trustProxy: trust,
    // Slowloris and half-open connections: headers must arrive in time, idle keep-alives end.
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    keepAliveTimeout: 10_000,
    // Modules start with the store (routing, presence and job schedules read it): on a busy
    // PostgreSQL or MariaDB that can pass Fastify's default 10 s, which would abort the start.
    pluginTimeout: 120_000,
    requestTimeout: 30_000,
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
  const client = clientResolver(trust);
  const origins = originPolicy(config.publicUrl, client);
  const overHttps = (request: IncomingMessage) =>
    client.requestOrigin(request)?.startsWith('https:') === true;
  const isSecure = (request: IncomingMessage) =>
    config.publicUrl.startsWith('https:') || overHttps(request);
  const cookie = sessionCookie(isSecure);

  const metrics = new Metrics();
  if (poolUse(db)) {
    metrics.gauge('parley_db_pool_connections', 'Database connections, by state', 'state', () => {
      const use = poolUse(db);
      return use ? { total: use.total, idle: use.idle } : ({} as Record<string, number>);
    });
    metrics.value(
      'parley_db_pool_waiting',
      'Queries waiting for a database connection',
      () => poolUse(db)?.waiting ?? 0,
    );
  }
  const events = new DomainEvents((event, error) => {
    http.log.error({ err: error, event }, 'an after-commit listener failed');
    metrics.listenerFailures.inc({ event });
  });
  // Several nodes share their limits (and their broadcasts) through Redis; one node keeps them.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, http.log) : undefined;
  if (redis && !(await redis.ready(5000))) {
    http.log.warn('Redis did not answer within 5 s; starting alone, and joining when it does');
  }
  const limiter = redis?.limiter ?? new MemoryRateLimiter();
  const attempts = redis?.attempts ?? new MemoryAttemptCounter();
  const sites = new SitesRepository(db);
  const auth = new AuthService(
    new AgentsRepository(db),
    new SessionsRepository(db),
    events,
    attempts,
    options.clock ?? systemClock,
    new TwoFactor(db, options.clock ?? systemClock),
  );
  const writer = writerFor(db);
  const visitors = new VisitorsService(sites, new VisitorsRepository(db), writer, events);
  const admission = new VisitorAdmission(limiter, config.limits);
  const clock = options.clock ?? systemClock;
  const messages = new MessagesService(db, writer, events, clock);
  const routing = new RoutingService(db, writer, messages, events, (error) =>
    http.log.error({ err: error }, 'a routing pass failed; the periodic one tries again'),
  );
  const conversations = new ConversationsService(
    db,
    writer,
    messages,
    events,
    admission,
    routing,
    clock,
  );
  const guards = agentRouteGuards(auth, cookie, origins);

  installErrorHandler(http);
  logRequests(http);
  await http.register(fastifyCookie);
  await securityHeaders(http, overHttps);
  await http.register(fastifyRateLimit, {
    global: false,
    // Counted where the other limits are: in Redis for every node when there are several.
    store: sharedRateLimitStore(limiter),
    // Per client address as every other limit counts it: behind the trusted proxies only, and an
    // IPv6 address by its /64, which one home or phone can rotate through at will.
    keyGenerator: (request) => client.address(request.raw),
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', 'Too many requests; slow down', Math.ceil(context.ttl / 1000)),
  });

  http.get('/healthz', async () => ({ status: 'ok' }));
  metricsRoute(http, metrics, config.metricsToken);
  http.get('/readyz', async (_request, reply) =>
    (await isReady(db)) ? { status: 'ready' } : reply.status(503).send({ status: 'unavailable' }),
  );
  await useTypedRoutes(http, PARLEY_VERSION);
  acceptHostPageJson(http);
  const realtime = createRealtime(http.server, {
    auth,
    visitors,
    events,
    cookie,
    origins,
    client,
    parseCookies: (header) => http.parseCookie(header),
    limits: config.limits,
    sessionCheckMs: config.sessionCheckMs,
    metrics,
    adapter: redis?.adapter,
    log: http.log,
    visibility: conversations.visibility,
  });
  const sitesService = new SitesService(db, sites, writer, events);
  await http.register(authModule, { auth, cookie, origins, client });
  const liveVisitors = new LiveVisitorsRepository(db);
  const profiles = new VisitorProfilesService(
    new VisitorProfilesRepository(db),
    liveVisitors,
    conversations.visibility,
    writer,
    events,
    clock,
  );
  await http.register(visitorsModule, {
    visitors,
    visitorsPerAddressPerMinute: config.limits.addressVisitorsPerMinute,
    profiles,
    conversations,
    origins,
    client,
    guards,
  });
  const identity = new IdentityService(
    sites,
    visitors,
    new IdentityRepository(db),
    writer,
    (orgId, visitorId) => conversations.announceVisitorChange(orgId, visitorId),
  );
  await http.register(identityModule, { identity, origins, client, guards });
  const inbox = new InboxService(db, conversations, messages, events);
  await http.register(conversationsModule, { conversations, inbox, guards, realtime });
  await http.register(routingModule, { routing, guards, realtime });
  await http.register(sitesModule, { sites: sitesService, guards });
  // Jobs: each module registers its types; workers start once the app is ready, stop before the store closes.
  const jobs = new JobQueue(db, { ...config.jobs, clock: options.clock, log: http.log, metrics });
  registerMessageJobs(jobs, messages);
  // Translation hooks into the message path: a message that needs one gets it queued in its
  // own transaction, and pages carry what is stored.
  const translation = new TranslationService(db, jobs, events, {
    environment: config.translation,
    timeoutMs: config.translationTimeoutMs,
    clock,
  });
  messages.translateWith(translation);
  registerTranslationJobs(jobs, translation, clock);
  await http.register(translationModule, { translation, guards });
  const transfers = new TransfersService(
    db,
    writer,
    messages,
    jobs,
    events,
    clock,
    http.log,
    options.requeue ?? ((orgId, departmentId) => routing.requeue(orgId, departmentId)),
  );
  registerTransferJobs(jobs, transfers);
  await http.register(transfersModule, { transfers, guards, realtime });
  const invitations = new InvitationsService(db, writer, messages, routing, visitors, clock);
  conversations.startWith(invitations);
  await http.register(invitationsModule, { invitations, origins, client, guards, realtime });
  registerRoutingJobs(jobs, routing);
  registerAutoResolve(jobs, db, conversations, clock);
  const tracking = new TrackingService({
    visitors,
    sites,
    tracking: new TrackingRepository(db),
    live: liveVisitors,
    writer,
    events,
    limiter,
    locator: new IpLocator(),
    invitations,
    clock: () => clock.now(),
  });
  registerTrackingJobs(jobs, tracking);
  await http.register(trackingModule, {
    tracking,
    origins,
    client,
    beaconsPerAddressPerMinute: config.limits.addressBeaconsPerMinute,
  });
  jobs.pruneFinished({ doneMs: 7 * 86_400_000, failedMs: 30 * 86_400_000 }); // a week, a month
  await http.register(jobsModule, { jobs: new JobsService(jobs), guards });
  const presence = new PresenceService(db, events, realtime.consoles, {
    graceMs: config.presenceGraceMs,
    clock: options.clock ?? systemClock,
    log: http.log,
  });
  await http.register(presenceModule, { presence, guards, realtime, jobs });
  http.addHook('onReady', () => jobs.start());
  const refusedOrigins = new RefusedOriginsService(
    sites,
    new RefusedOriginsRepository(db),
    http.log,
    options.clock ?? systemClock,
  );
  await http.register(refusedOriginsModule, { refusedOrigins, origins, client, guards });
  const mailer = config.smtp ? smtpMailer(config.smtp) : undefined;
  const offlineRepo = new OfflineRepository(db);
  const availability = new SiteAvailability(offlineRepo, events);
  availability.followPresence();
  registerOfflineMailJobs(jobs, db, offlineRepo, mailer, config.publicUrl);
  const offline = new OfflineService(conversations, availability, jobs, mailer !== undefined);
  await http.register(offlineModule, { offline, realtime });
  const team = new TeamService(db, events, config.publicUrl, mailer);
  await http.register(teamModule, { team, guards, origins });
  await http.register(organizationModule, {
    organization: new OrganizationService(db, events),
    guards,
  });
  await http.register(departmentsModule, {
    departments: new DepartmentsService(db, events),
    routing: new RoutingSettingsService(db, events),
    guards,
  });
  const profile = new ProfileService(
    db,
    events,
    new TwoFactor(db, options.clock ?? systemClock),
    options.clock ?? systemClock,
  );
  await http.register(profileModule, { profile, guards });
  const reset = new PasswordReset(
    db,
    events,
    config.publicUrl,
    mailer,
    options.clock ?? systemClock,
    (error) => http.log.error({ err: error }, 'a password reset email could not be sent'),
  );
  await http.register(passwordResetModule, { reset, origins });
  realtime.assertComplete();
  await webAssets(http, options.distDir ?? DEFAULT_DIST_DIR, sitesService);

  // Stopping (SIGTERM, a rolling restart): sockets close first so clients reconnect elsewhere, the
  // writes already under way commit, then the HTTP server and the store close.
  http.addHook('preClose', async () => {
    await realtime.drain(10_000);
    presence.stop();
    await jobs.stop(10_000);
    await routing.close();
  });
  http.addHook('onClose', async () => {
    conversations.close();
    limiter.close();
    attempts.close();
    await redis?.close();
    metrics.close();
    await db.destroy();
  });
  return { http, io: realtime.io, db, events, messages, routing, jobs, invitations, firstRun };
}
