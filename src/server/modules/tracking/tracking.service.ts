import { randomUUID } from 'node:crypto';
import type { Updateable } from 'kysely';
import { AppError } from '../../errors';
import { perMinute, type RateLimiter } from '../../core/rate-limiter';
import type { Writer } from '../../db/writer';
import type { VisitorsTable } from '../../db/schema';
import type { DomainEvents } from '../../domain-events';
import type { z } from 'zod';
import { languageTag } from '../../../protocol/routing-schemas';
import {
  TRACKING_LIMITS,
  trackEvent,
  type TrackEvent,
  type TrackReply,
  type trackBody,
} from '../../../protocol/visitor-schemas';
import type { InvitationSource } from '../invitations/invitation-source';
import type { SitesRepository, Site } from '../sites/sites.repository';
import type { EmbedContext } from '../sites/embed-origin';
import type { VisitorsService } from '../visitors/visitors.service';
import { deviceOf, isBot, keptAddress, type IpLocator } from './enrichment';
import type { LiveVisitorsRepository } from './live-visitors.repository';
import { onSiteSince } from './on-site';
import type { TrackingRepository, VisitRow } from './tracking.repository';

/** Beacons one visitor may send a minute; a loader sends two or three. Beyond: counted, dropped. */
export const TRACK_BATCHES_PER_MINUTE = 30;

/** Where a beacon comes from, as the transport saw it. */
export interface TrackContext extends Omit<EmbedContext, 'pageOrigin'> {
  /** The address as limits count it (client-address.ts). */
  address: string;
  /** The client's IP, for the country and the visit's kept address. */
  ip: string;
  userAgent: string | undefined;
}

type TrackBody = z.infer<typeof trackBody>;
type Clock = () => number;

/** Ingests the loader's beacons: visits, their pages, time on page and custom events. */
export class TrackingService {
  constructor(
    private readonly deps: {
      visitors: VisitorsService;
      sites: SitesRepository;
      tracking: TrackingRepository;
      live: LiveVisitorsRepository;
      writer: Writer;
      events: DomainEvents;
      limiter: RateLimiter;
      locator: IpLocator;
      invitations: InvitationSource;
      clock?: Clock;
    },
  ) {}

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }

  async track(body: TrackBody, context: TrackContext): Promise<TrackReply> {
    if (isBot(context.userAgent)) {
      throw new AppError('bot_dropped', 'Automated clients are not tracked');
    }
    const visitor = await this.deps.visitors.authenticate(body.siteKey, body.token, {
      ...context,
      pageOrigin: undefined,
    });
    // The token proves one visitor; a beacon naming another is refused, whoever that is.
    if (visitor.id !== body.visitorId) {
      throw new AppError('unauthorized', 'This token belongs to another visitor');
    }
    const site = await this.deps.sites.findByWidgetKey(body.siteKey);
    if (!site?.tracking.enabled) return { invitation: null };

    const { events, dropped } = await this.admit(visitor.id, body.events);
    const at = this.now();
    const result = await this.deps.writer.write(async (trx) => {
      const repo = this.deps.tracking.withTransaction(trx);
      return this.store(repo, { site, visitorId: visitor.id, body, events, dropped, at, context });
    });
    if (!result) return { invitation: null };
    if (result.shown) {
      const now = await this.deps.live.find(site.orgId, visitor.id, onSiteSince(at));
      if (now?.onSite)
        this.deps.events.emit('visitor.tracked', { orgId: site.orgId, visitor: now.live });
    }
    const invitation = await this.deps.invitations.offerFor({
      orgId: site.orgId,
      siteId: site.id,
      visitorId: visitor.id,
      visitId: result.visit.id,
      url: result.visit.current_url ?? '',
      referrer: result.visit.referrer ?? '',
      secondsOnPage: result.seconds,
      visitNumber: result.visitNumber,
      rules: site.invitationRules,
    });
    return { invitation };
  }

  /** The events to store: well-formed ones within the caps, oldest first; the rest counted. */
  private async admit(
    visitorId: string,
    raw: unknown[],
  ): Promise<{ events: TrackEvent[]; dropped: number }> {
    const events: TrackEvent[] = [];
    for (const candidate of raw.slice(0, TRACKING_LIMITS.eventsPerBatch)) {
      const parsed = trackEvent.safeParse(candidate);
      if (parsed.success && Number.isFinite(parsed.data.at)) events.push(parsed.data);
    }
    const wait = await this.deps.limiter.take(
      `track:${visitorId}`,
      perMinute(TRACK_BATCHES_PER_MINUTE),
    );
    if (wait > 0) return { events: [], dropped: raw.length };
    events.sort((a, b) => a.at - b.at);
    return { events, dropped: raw.length - events.length };
  }

  private async store(
    repo: TrackingRepository,
    input: {
      site: Site;
      visitorId: string;
      body: TrackBody;
      events: TrackEvent[];
      dropped: number;
      at: number;
      context: TrackContext;
    },
  ): Promise<{ visit: VisitRow; shown: boolean; seconds: number; visitNumber: number } | null> {
    const { site, visitorId, events, at } = input;
    const current = await this.currentVisit(repo, visitorId, at);
    // Nothing storable and no visit to count the drop against: nothing to do.
    if (!current && events.length === 0) return null;
    const started = current === null;
    const visit =
      current ??
      (await this.startVisit(
        repo,
        input,
        events.find((e) => e.type === 'page'),
      ));
    const latest = events.at(-1)?.at ?? 0;
    // Pages keep the browser's order, timed by the server's clock (browsers' clocks differ), and
    // never before what this visit already has from an earlier beacon.
    const floor = started ? 0 : Date.parse(visit.last_seen_at) + 1;
    const timeOf = (e: TrackEvent) =>
      new Date(Math.max(floor, at - Math.min(Math.max(latest - e.at, 0), 120_000))).toISOString();
    let shown = started;
    let seconds = 0;
    const changes: Updateable<VisitRow> = { last_seen_at: new Date(at).toISOString() };
    let pages = visit.page_count;
    for (const event of events) {
      if (event.type === 'page') {
        const url = text(event.url, TRACKING_LIMITS.url);
        const title = text(event.title, TRACKING_LIMITS.title);
        await repo.addPageView({
          orgId: site.orgId,
          visitId: visit.id,
          visitorId,
          url,
          title,
          referrer: text(event.referrer, TRACKING_LIMITS.url),
          spa: event.spa,
          at: timeOf(event),
        });
        pages += 1;
        Object.assign(changes, { current_url: url, current_title: title, page_count: pages });
        shown = true;
      } else if (event.type === 'time') {
        seconds = Math.min(Math.max(Math.floor(event.seconds), 0), 86_400);
        await repo.setSeconds(visit.id, text(event.url, TRACKING_LIMITS.url), seconds);
      } else {
        await repo.addEvent({
          orgId: site.orgId,
          visitId: visit.id,
          visitorId,
          name: text(event.name, TRACKING_LIMITS.eventName),
          data: eventData(event.data),
          at: timeOf(event),
        });
      }
    }
    await repo.updateVisit(visit.id, changes);
    if (input.dropped > 0) await repo.countDropped(visit.id, input.dropped);
    const visitNumber = await repo.visitCount(visitorId);
    return { visit: { ...visit, ...changes } as VisitRow, shown, seconds, visitNumber };
  }

  private async currentVisit(
    repo: TrackingRepository,
    visitorId: string,
    at: number,
  ): Promise<VisitRow | null> {
    const id = await repo.currentVisitId(visitorId);
    const visit = id ? await repo.findVisit(visitorId, id) : undefined;
    if (!visit || visit.ended_at !== null) return null;
    return visit.last_seen_at >= onSiteSince(at) ? visit : null;
  }

  private async startVisit(
    repo: TrackingRepository,
    input: { site: Site; visitorId: string; body: TrackBody; at: number; context: TrackContext },
    landing: Extract<TrackEvent, { type: 'page' }> | undefined,
  ): Promise<VisitRow> {
    const { site, visitorId, body, context } = input;
    const at = new Date(input.at).toISOString();
    const landingUrl = landing ? text(landing.url, TRACKING_LIMITS.url) : null;
    const visit: VisitRow = {
      id: randomUUID(),
      org_id: site.orgId,
      site_id: site.id,
      visitor_id: visitorId,
      started_at: at,
      last_seen_at: at,
      ended_at: null,
      page_count: 0,
      referrer: landing?.referrer ? text(landing.referrer, TRACKING_LIMITS.url) : null,
      landing_url: landingUrl,
      current_url: null,
      current_title: null,
      ...utmOf(landingUrl),
      address: keptAddress(context.ip, site.tracking.addresses),
      events_dropped: 0,
    };
    await repo.startVisit(visit, await this.profileOf(body, context));
    return visit;
  }

  /** What this visit's request says about the visitor: device, place, language, time zone. */
  private async profileOf(
    body: TrackBody,
    context: TrackContext,
  ): Promise<Updateable<VisitorsTable>> {
    const device = deviceOf(context.userAgent);
    const place = await this.deps.locator.locate(context.ip);
    const language = languageTag.safeParse(body.language);
    return {
      browser: device.browser && text(device.browser, 64),
      os: device.os && text(device.os, 64),
      device: device.device,
      country: place?.country ?? null,
      city: place?.city ? text(place.city, 256) : null,
      ...(body.timeZone && /^[A-Za-z0-9_+\-/]+$/.test(body.timeZone)
        ? { time_zone: body.timeZone }
        : {}),
      ...(language.success && language.data ? { language: language.data } : {}),
    };
  }

  /**
   * Ends the visits nobody has seen for ON_SITE_MS and says so; a few hundred a run, so one
   * run never holds the store long. Returns how many ended.
   */
  async sweep(limit = 500): Promise<number> {
    const at = this.now();
    const before = onSiteSince(at);
    let ended = 0;
    for (const visit of await this.deps.tracking.staleVisits(before, limit)) {
      // A beacon that came meanwhile keeps the visit going.
      if (!(await this.deps.tracking.endVisit(visit.id, before, new Date(at).toISOString()))) {
        continue;
      }
      ended += 1;
      this.deps.events.emit('visitor.left', { orgId: visit.org_id, visitorId: visit.visitor_id });
    }
    return ended;
  }
}

/** Visitor text as stored: cut to its limit, without NUL or lone surrogates (no store takes them). */
function text(value: string, max: number): string {
  return value
    .slice(0, max)
    .replace(
      /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    );
}

function eventData(data: unknown): string | null {
  if (data === undefined) return null;
  const json = JSON.stringify(data) as string | undefined;
  return json === undefined ? null : text(json, TRACKING_LIMITS.eventData);
}

type Utm = Pick<
  VisitRow,
  'utm_source' | 'utm_medium' | 'utm_campaign' | 'utm_term' | 'utm_content'
>;

/** The landing page's campaign parameters. */
function utmOf(url: string | null): Utm {
  let params = new URLSearchParams();
  try {
    if (url) params = new URL(url).searchParams;
  } catch {
    // Not a URL: no campaign.
  }
  const value = (name: string) => {
    const found = params.get(`utm_${name}`);
    return found ? text(found, 256) : null;
  };
  return {
    utm_source: value('source'),
    utm_medium: value('medium'),
    utm_campaign: value('campaign'),
    utm_term: value('term'),
    utm_content: value('content'),
  };
}
