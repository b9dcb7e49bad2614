/**
 * Visits as the tracker (another module) would leave them, for invitation tests: a visitor "on a
 * site now" is one whose current visit was seen lately and has not ended.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/server/db/database';
import { parseRules } from '../../src/server/modules/invitations/invitation-rules';
import type { InvitationContext } from '../../src/server/modules/invitations/invitation-source';

/** Starts a visit of the visitor, seen `secondsAgo` ago, and makes it the visitor's current one. */
export async function startVisit(db: Db, visitorId: string, secondsAgo = 0): Promise<string> {
  const visitor = await db
    .selectFrom('visitors')
    .select(['org_id', 'site_id', 'visit_count'])
    .where('id', '=', visitorId)
    .executeTakeFirstOrThrow();
  const id = randomUUID();
  const at = new Date(Date.now() - secondsAgo * 1000).toISOString();
  await db
    .insertInto('visits')
    .values({
      id,
      org_id: visitor.org_id,
      site_id: visitor.site_id,
      visitor_id: visitorId,
      started_at: at,
      last_seen_at: at,
      ended_at: null,
      referrer: null,
      landing_url: 'http://shop.test/',
      current_url: 'http://shop.test/',
      current_title: 'Shop',
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      utm_term: null,
      utm_content: null,
      address: null,
    })
    .execute();
  await db
    .updateTable('visitors')
    .set({ current_visit_id: id, visit_count: visitor.visit_count + 1 })
    .where('id', '=', visitorId)
    .execute();
  return id;
}

/** What the track route would ask the invitation source for this visitor's beacon. */
export async function beacon(
  db: Db,
  visitorId: string,
  page: Partial<Pick<InvitationContext, 'url' | 'referrer' | 'secondsOnPage'>> = {},
): Promise<InvitationContext> {
  const visitor = await db
    .selectFrom('visitors')
    .innerJoin('sites', 'sites.id', 'visitors.site_id')
    .select([
      'visitors.org_id',
      'visitors.site_id',
      'visitors.current_visit_id',
      'visitors.visit_count',
      'sites.invitation_rules',
    ])
    .where('visitors.id', '=', visitorId)
    .executeTakeFirstOrThrow();
  return {
    orgId: visitor.org_id,
    siteId: visitor.site_id,
    visitorId,
    visitId: visitor.current_visit_id!,
    url: page.url ?? 'http://shop.test/',
    referrer: page.referrer ?? '',
    secondsOnPage: page.secondsOnPage ?? 0,
    visitNumber: visitor.visit_count,
    rules: parseRules(visitor.invitation_rules),
  };
}
