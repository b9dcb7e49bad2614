/**
 * Tracked visits made by inserting rows, as the tracking beacons would leave them: for tests of
 * what reads them (the live visitors view, the profile) that do not depend on the tracker.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/server/db/database';

export interface SeededPage {
  url: string;
  title: string;
  seconds?: number;
}

export interface VisitSeed {
  referrer?: string | null;
  country?: string | null;
  city?: string | null;
  browser?: string | null;
  os?: string | null;
  device?: 'desktop' | 'mobile' | 'tablet' | null;
  /** The visitor's visits before this one (each with one page), making it a returning one. */
  earlierVisits?: number;
  /** When the visit was last seen; now by default, so the visitor is on the site. */
  lastSeenAt?: Date;
  attributes?: Record<string, string>;
}

/** The visitor's current visit, over `pages` (oldest first), with the visitor's profile columns. */
export async function seedVisit(
  db: Db,
  visitorId: string,
  pages: SeededPage[],
  seed: VisitSeed = {},
): Promise<string> {
  const visitor = await db
    .selectFrom('visitors')
    .select(['org_id', 'site_id'])
    .where('id', '=', visitorId)
    .executeTakeFirstOrThrow();
  const lastSeen = seed.lastSeenAt ?? new Date();
  const earlier = seed.earlierVisits ?? 0;
  for (let i = earlier; i > 0; i--) {
    const startedAt = new Date(lastSeen.getTime() - i * 24 * 3600_000);
    await insertVisit(db, visitor, visitorId, [{ url: 'https://shop.test/', title: 'Home' }], {
      startedAt,
      lastSeenAt: startedAt,
      ended: true,
      referrer: null,
    });
  }
  const startedAt = new Date(lastSeen.getTime() - pages.length * 10_000);
  const visitId = await insertVisit(db, visitor, visitorId, pages, {
    startedAt,
    lastSeenAt: lastSeen,
    ended: false,
    referrer: seed.referrer ?? null,
  });
  await db
    .updateTable('visitors')
    .set({
      current_visit_id: visitId,
      visit_count: earlier + 1,
      country: seed.country ?? null,
      city: seed.city ?? null,
      browser: seed.browser ?? null,
      os: seed.os ?? null,
      device: seed.device ?? null,
      attributes: seed.attributes ? JSON.stringify(seed.attributes) : null,
    })
    .where('id', '=', visitorId)
    .execute();
  return visitId;
}

/** The visitor moves on to one more page of its current visit, seen now. */
export async function seedPageView(db: Db, visitId: string, page: SeededPage): Promise<void> {
  const visit = await db
    .selectFrom('visits')
    .select(['org_id', 'visitor_id', 'page_count'])
    .where('id', '=', visitId)
    .executeTakeFirstOrThrow();
  const at = new Date().toISOString();
  await insertPage(db, { ...visit, visitId }, page, at);
  await db
    .updateTable('visits')
    .set({
      current_url: page.url,
      current_title: page.title,
      page_count: visit.page_count + 1,
      last_seen_at: at,
    })
    .where('id', '=', visitId)
    .execute();
}

async function insertVisit(
  db: Db,
  visitor: { org_id: string; site_id: string },
  visitorId: string,
  pages: SeededPage[],
  at: { startedAt: Date; lastSeenAt: Date; ended: boolean; referrer: string | null },
): Promise<string> {
  const id = randomUUID();
  const last = pages.at(-1);
  await db
    .insertInto('visits')
    .values({
      id,
      org_id: visitor.org_id,
      site_id: visitor.site_id,
      visitor_id: visitorId,
      started_at: at.startedAt.toISOString(),
      last_seen_at: at.lastSeenAt.toISOString(),
      ended_at: at.ended ? at.lastSeenAt.toISOString() : null,
      page_count: pages.length,
      referrer: at.referrer,
      landing_url: pages[0]?.url ?? null,
      current_url: last?.url ?? null,
      current_title: last?.title ?? null,
    })
    .execute();
  for (const [i, page] of pages.entries()) {
    const viewedAt = new Date(at.startedAt.getTime() + i * 10_000).toISOString();
    await insertPage(
      db,
      { org_id: visitor.org_id, visitor_id: visitorId, visitId: id },
      page,
      viewedAt,
    );
  }
  return id;
}

async function insertPage(
  db: Db,
  visit: { org_id: string; visitor_id: string; visitId: string },
  page: SeededPage,
  viewedAt: string,
): Promise<void> {
  await db
    .insertInto('page_views')
    .values({
      id: randomUUID(),
      org_id: visit.org_id,
      visit_id: visit.visitId,
      visitor_id: visit.visitor_id,
      url: page.url,
      title: page.title,
      referrer: null,
      viewed_at: viewedAt,
      seconds: page.seconds ?? 0,
    })
    .execute();
}
