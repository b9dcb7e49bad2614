import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectAgent,
  createVisitor,
  login,
  nextEvent,
  type VisitorCredentials,
} from '../../../../test/helpers/clients';
import { api, codeOf } from '../../../../test/helpers/api';
import { createAgent } from '../../../../test/helpers/factories';
import { SITE_ORIGIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { LiveVisitor } from '../../../protocol/visitor-schemas';
import { TRACKING_LIMITS } from '../../../protocol/visitor-schemas';
import { LiveVisitorsRepository } from './live-visitors.repository';
import { VISIT_SWEEP_JOB } from './tracking.jobs';
import { ON_SITE_MS, onSiteSince } from './on-site';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

let server: TestServer;
let offset = 0;
const clock = { now: () => Date.now() + offset };

beforeEach(async () => {
  offset = 0;
  server = await startServer(undefined, {}, { clock });
});

afterEach(async () => {
  await server.close();
});

/** A reply or a refusal. */
interface TrackAnswer {
  invitation?: unknown;
  error?: { code: string };
}

interface Beacon {
  visitor: VisitorCredentials;
  events: unknown[];
  origin?: string | null;
  userAgent?: string;
  extra?: Record<string, unknown>;
}

/** As the loader sends it: JSON as text/plain, no preflight. */
async function beacon({
  visitor,
  events,
  origin = SITE_ORIGIN,
  userAgent = CHROME,
  extra,
}: Beacon) {
  const res = await fetch(`${server.url}/api/v1/widget/track`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': userAgent,
      ...(origin ? { origin } : {}),
    },
    body: JSON.stringify({
      siteKey: server.widgetKey,
      visitorId: visitor.visitorId,
      token: visitor.token,
      timeZone: 'Europe/Paris',
      language: 'fr-FR',
      events,
      ...extra,
    }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as TrackAnswer };
}

const page = (url: string, at: number, spa = false) => ({
  type: 'page',
  url,
  title: `Title of ${url}`,
  referrer: 'https://search.test/?q=shoes',
  spa,
  at,
});

const db = () => server.parley.db;

describe('POST /api/v1/widget/track', () => {
  it('records page views, SPA navigation and time on page in one visit, with the profile', async () => {
    const visitor = await createVisitor(server);
    const first = await beacon({
      visitor,
      events: [page('http://shop.test/?utm_source=news&utm_campaign=spring', 1000)],
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ invitation: null });
    expect(first.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    await beacon({
      visitor,
      events: [
        {
          type: 'time',
          url: 'http://shop.test/?utm_source=news&utm_campaign=spring',
          seconds: 12,
          at: 2000,
        },
        page('http://shop.test/cart', 3000, true),
        { type: 'time', url: 'http://shop.test/cart', seconds: 31, at: 4000 },
        { type: 'custom', name: 'added_to_cart', data: { sku: 'A1' }, at: 4100 },
      ],
    });

    const views = await db()
      .selectFrom('page_views')
      .select(['url', 'spa', 'seconds'])
      .orderBy('viewed_at')
      .execute();
    expect(views).toEqual([
      { url: 'http://shop.test/?utm_source=news&utm_campaign=spring', spa: 0, seconds: 12 },
      { url: 'http://shop.test/cart', spa: 1, seconds: 31 },
    ]);
    const visit = await db().selectFrom('visits').selectAll().executeTakeFirstOrThrow();
    expect(visit).toMatchObject({
      page_count: 2,
      current_url: 'http://shop.test/cart',
      landing_url: 'http://shop.test/?utm_source=news&utm_campaign=spring',
      referrer: 'https://search.test/?q=shoes',
      utm_source: 'news',
      utm_campaign: 'spring',
      // Test requests come from 127.0.0.1, kept as its /24 by default.
      address: '127.0.0.0/24',
      events_dropped: 0,
    });
    const profile = await db()
      .selectFrom('visitors')
      .select(['browser', 'os', 'device', 'time_zone', 'language', 'visit_count'])
      .where('id', '=', visitor.visitorId)
      .executeTakeFirstOrThrow();
    expect(profile).toEqual({
      browser: 'Chrome',
      os: 'Windows',
      device: 'desktop',
      time_zone: 'Europe/Paris',
      language: 'fr-FR',
      visit_count: 1,
    });
    const events = await db().selectFrom('visitor_events').select(['name', 'data']).execute();
    expect(events).toEqual([{ name: 'added_to_cart', data: '{"sku":"A1"}' }]);
  });

  it('counts a new visit after the visitor was gone, and the sweep says it left', async () => {
    const visitor = await createVisitor(server);
    const agent = await connectAgent(server, await login(server));
    const update = nextEvent<LiveVisitor>(agent, 'visitors:update');
    await beacon({ visitor, events: [page('http://shop.test/', 1)] });
    expect(await update).toMatchObject({
      visitorId: visitor.visitorId,
      currentUrl: 'http://shop.test/',
      pagesThisVisit: 1,
      visitCount: 1,
      device: { browser: 'Chrome', os: 'Windows', device: 'desktop' },
      conversationId: null,
    });

    offset += ON_SITE_MS + 1000;
    const left = nextEvent<{ visitorId: string }>(agent, 'visitors:left');
    const live = new LiveVisitorsRepository(db());
    const now = async () => live.find(await orgId(), visitor.visitorId, onSiteSince(clock.now()));
    // The schedule runs it every few seconds; here at once.
    await server.parley.jobs.enqueue(db(), { type: VISIT_SWEEP_JOB, payload: {} });
    expect(await left).toEqual({ visitorId: visitor.visitorId });
    expect(await now()).toMatchObject({ onSite: false });

    await beacon({ visitor, events: [page('http://shop.test/again', 2)] });
    expect(await now()).toMatchObject({
      onSite: true,
      live: { visitCount: 2, pagesThisVisit: 1 },
    });
    agent.disconnect();
  });

  it('refuses bots with a clear code and stores nothing', async () => {
    const visitor = await createVisitor(server);
    const res = await beacon({
      visitor,
      events: [page('http://shop.test/', 1)],
      userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('bot_dropped');
    expect(await db().selectFrom('page_views').selectAll().execute()).toEqual([]);
  });

  it('stores nothing when the site turned tracking off', async () => {
    await db()
      .updateTable('sites')
      .set({ tracking_settings: JSON.stringify({ enabled: false }) })
      .execute();
    const visitor = await createVisitor(server);
    expect((await beacon({ visitor, events: [page('http://shop.test/', 1)] })).status).toBe(200);
    expect(await db().selectFrom('visits').selectAll().execute()).toEqual([]);
  });

  it('keeps tracking with the readable settings when the stored ones are partly broken', async () => {
    const visitor = await createVisitor(server);
    await db().updateTable('sites').set({ tracking_settings: '{not json' }).execute();
    expect((await beacon({ visitor, events: [page('http://shop.test/', 1)] })).status).toBe(200);
    expect(await db().selectFrom('visits').selectAll().execute()).toHaveLength(1);

    await db()
      .updateTable('sites')
      .set({ tracking_settings: JSON.stringify({ enabled: false, addresses: 'bogus' }) })
      .execute();
    expect((await beacon({ visitor, events: [page('http://shop.test/b', 2)] })).status).toBe(200);
    expect(await db().selectFrom('page_views').selectAll().execute()).toHaveLength(1);
  });
});

describe('what an attacker tries on the track route', () => {
  it("refuses page views for another visitor with one's own token", async () => {
    const mine = await createVisitor(server);
    const theirs = await createVisitor(server);
    const res = await beacon({
      visitor: { visitorId: theirs.visitorId, token: mine.token },
      events: [page('http://shop.test/forged', 1)],
    });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('unauthorized');
    expect(await db().selectFrom('page_views').selectAll().execute()).toEqual([]);
  });

  it('refuses a forged or missing Origin, and an unknown token', async () => {
    const visitor = await createVisitor(server);
    const forged = await beacon({ visitor, events: [page('x', 1)], origin: 'https://evil.test' });
    expect(forged.status).toBe(403);
    expect(forged.body.error?.code).toBe('forbidden_origin');
    const missing = await beacon({ visitor, events: [page('x', 1)], origin: null });
    expect(missing.body.error?.code).toBe('forbidden_origin');
    const unknown = await beacon({
      visitor: { ...visitor, token: 'not-a-token' },
      events: [page('x', 1)],
    });
    expect(unknown.body.error?.code).toBe('unauthorized');
    expect(await db().selectFrom('page_views').selectAll().execute()).toEqual([]);
  });

  it('stores huge, binary and javascript: URLs and titles as cut text', async () => {
    const visitor = await createVisitor(server);
    const huge = `http://shop.test/${'a'.repeat(10_000)}`;
    const binary = 'http://shop.test/\u0000\uD800\u0001\uFFFF';
    const script = 'javascript:alert(document.cookie)';
    const res = await beacon({
      visitor,
      events: [
        { ...page(huge, 1), title: '<script>alert(1)</script>'.repeat(100) },
        { ...page(binary, 2), title: '\u0000' },
        { ...page(script, 3), referrer: 'javascript:void(0)' },
      ],
    });
    expect(res.status).toBe(200);
    const views = await db()
      .selectFrom('page_views')
      .select(['url', 'title', 'referrer'])
      .orderBy('viewed_at')
      .execute();
    expect(views[0]!.url).toHaveLength(TRACKING_LIMITS.url);
    expect(views[0]!.title).toHaveLength(TRACKING_LIMITS.title);
    expect(views[1]).toMatchObject({
      url: 'http://shop.test/\uFFFD\uFFFD\u0001\uFFFF',
      title: '\uFFFD',
    });
    expect(views[2]).toMatchObject({ url: script, referrer: 'javascript:void(0)' });
  });

  it('caps thousands of events, counts what it dropped, and refuses what is not JSON', async () => {
    const visitor = await createVisitor(server);
    const many = Array.from({ length: 1000 }, (_, i) => ({
      type: 'custom',
      name: 'e',
      data: i,
      at: i,
    }));
    expect((await beacon({ visitor, events: many })).status).toBe(200);
    // Past the per-minute cap of beacons, everything is dropped and counted.
    for (let i = 0; i < 40; i += 1)
      await beacon({ visitor, events: [{ type: 'custom', name: 'e', at: i }] });
    const stored = await db().selectFrom('visitor_events').select('id').execute();
    const visit = await db()
      .selectFrom('visits')
      .select('events_dropped')
      .executeTakeFirstOrThrow();
    expect(stored.length).toBeLessThanOrEqual(TRACKING_LIMITS.eventsPerBatch + 40);
    expect(stored.length + visit.events_dropped).toBe(1000 + 40);
    expect(visit.events_dropped).toBeGreaterThan(1000 - TRACKING_LIMITS.eventsPerBatch);

    const notJson = await fetch(`${server.url}/api/v1/widget/track`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': CHROME },
      body: '\u0000\u00ff not json',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as TrackAnswer).error?.code).toBe('invalid_payload');
  });

  it('keeps text/plain away from agent routes: a cross-site form cannot post JSON to them', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN },
      body: JSON.stringify({ email: 'admin@shop.test', password: 'x' }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('tracking settings of a site', () => {
  it('an owner changes them, the loader is told, and addresses are kept as chosen', async () => {
    const owner = await login(server);
    const site = await db().selectFrom('sites').select('id').executeTakeFirstOrThrow();
    const saved = await api<{ site: { tracking: unknown } }>(
      server,
      owner,
      'PATCH',
      `/api/v1/sites/${site.id}`,
      {
        tracking: { requireConsent: true, addresses: 'none' },
      },
    );
    expect(saved.status).toBe(200);
    expect(saved.body.site.tracking).toEqual({
      enabled: true,
      requireConsent: true,
      honorDoNotTrack: true,
      addresses: 'none',
    });
    const config = await fetch(`${server.url}/api/v1/widget/config?site=${server.widgetKey}`, {
      headers: { origin: SITE_ORIGIN },
    });
    expect(((await config.json()) as { tracking: unknown }).tracking).toEqual({
      enabled: true,
      requireConsent: true,
      honorDoNotTrack: true,
      trackAt: [],
    });
    const visitor = await createVisitor(server);
    await beacon({ visitor, events: [page('http://shop.test/', 1)] });
    const visit = await db().selectFrom('visits').select('address').executeTakeFirstOrThrow();
    expect(visit.address).toBeNull();
  });

  it('an agent may not change them, and a bad value is refused', async () => {
    const site = await db().selectFrom('sites').select('id').executeTakeFirstOrThrow();
    await createAgent(db(), await orgId(), {
      email: 'agent@shop.test',
      password: 'a long enough password',
      role: 'agent',
    });
    const agent = await login(server, {
      email: 'agent@shop.test',
      password: 'a long enough password',
    });
    const path = `/api/v1/sites/${site.id}`;
    const refused = await api(server, agent, 'PATCH', path, { tracking: { enabled: false } });
    expect(refused.status).toBe(403);
    const owner = await login(server);
    const bad = await api(server, owner, 'PATCH', path, { tracking: { addresses: 'all' } });
    expect(codeOf(bad)).toBe('invalid_payload');
  });
});

async function orgId(): Promise<string> {
  return (await db().selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
}
