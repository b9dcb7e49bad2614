import type { Kysely } from 'kysely';
import { dropIndex, engineOf, tableOptions } from '../dialect';

/**
 * Visitors (issue 11): what the loader tracks before any chat (visits, their pages, custom
 * events), what the server learns from the request (device, country), a verified identity from
 * `Parley.identify`, tokens for the same visitor on several devices, and proactive invitations.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await addVisitorProfile(db);
  await addSiteSettings(db);
  await createVisits(db);
  await createPageViews(db);
  await createVisitorEvents(db);
  await createVisitorTokens(db);
  await createInvitations(db);
}

async function addVisitorProfile(db: Kysely<unknown>): Promise<void> {
  const columns: [string, 'varchar(36)' | 'varchar(64)' | 'varchar(256)' | 'text'][] = [
    // The customer's own user id, set only from an identify call whose hash was right.
    ['external_id', 'varchar(256)'],
    // The id an identify call claimed without a right hash: shown as unverified, never linked.
    ['claimed_id', 'varchar(256)'],
    // JSON object of string attributes from identify.
    ['attributes', 'text'],
    // The agents' notes about this visitor.
    ['notes', 'text'],
    ['time_zone', 'varchar(64)'],
    ['browser', 'varchar(64)'],
    ['os', 'varchar(64)'],
    // 'desktop', 'mobile' or 'tablet'.
    ['device', 'varchar(36)'],
    // ISO 3166-1 alpha-2.
    ['country', 'varchar(36)'],
    ['city', 'varchar(256)'],
    // The visit going on now or last, for the live view's one-row read.
    ['current_visit_id', 'varchar(36)'],
  ];
  for (const [name, type] of columns) {
    await db.schema.alterTable('visitors').addColumn(name, type).execute();
  }
  await db.schema
    .alterTable('visitors')
    .addColumn('visit_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // A verified identity's visitors on one site: the conversations they share.
  await db.schema
    .createIndex('visitors_site_external')
    .on('visitors')
    .columns(['site_id', 'external_id'])
    .execute();
}

async function addSiteSettings(db: Kysely<unknown>): Promise<void> {
  // JSON: consent required, Do-Not-Track/GPC honoured, how addresses are kept, verification required.
  await db.schema.alterTable('sites').addColumn('tracking_settings', 'text').execute();
  // The HMAC key for identify hashes; null until the owner makes one.
  await db.schema.alterTable('sites').addColumn('identity_secret', 'varchar(128)').execute();
  await db.schema.alterTable('sites').addColumn('identity_secret_at', 'varchar(32)').execute();
  // JSON array of automatic invitation rules.
  await db.schema.alterTable('sites').addColumn('invitation_rules', 'text').execute();
}

async function createVisits(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visits')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visitor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    // Set when the visitor has been gone long enough (a sweep): the live view drops it.
    .addColumn('ended_at', 'varchar(32)')
    .addColumn('page_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('referrer', 'text')
    .addColumn('landing_url', 'text')
    .addColumn('current_url', 'text')
    .addColumn('current_title', 'text')
    .addColumn('utm_source', 'varchar(256)')
    .addColumn('utm_medium', 'varchar(256)')
    .addColumn('utm_campaign', 'varchar(256)')
    .addColumn('utm_term', 'varchar(256)')
    .addColumn('utm_content', 'varchar(256)')
    // As the site's setting keeps it: whole, truncated, or not at all.
    .addColumn('address', 'varchar(64)')
    // Events over the cap, counted and dropped.
    .addColumn('events_dropped', 'integer', (c) => c.notNull().defaultTo(0))
    .addForeignKeyConstraint('visits_org_fk', ['org_id'], 'organizations', ['id'])
    .addForeignKeyConstraint('visits_visitor_fk', ['visitor_id'], 'visitors', ['id'])
    .$call(await tableOptions(db))
    .execute();
  // The live view: an organization's visits not ended, most recently seen first.
  await db.schema
    .createIndex('visits_org_live')
    .on('visits')
    .columns(['org_id', 'ended_at', 'last_seen_at'])
    .execute();
  await db.schema
    .createIndex('visits_visitor_started')
    .on('visits')
    .columns(['visitor_id', 'started_at'])
    .execute();
}

async function createPageViews(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('page_views')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visit_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visitor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('referrer', 'text')
    // 1 for a History API navigation inside a single-page app.
    .addColumn('spa', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('viewed_at', 'varchar(32)', (c) => c.notNull())
    // Seconds on the page while it was visible, as last reported.
    .addColumn('seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addForeignKeyConstraint('page_views_visit_fk', ['visit_id'], 'visits', ['id'])
    .$call(await tableOptions(db))
    .execute();
  await db.schema
    .createIndex('page_views_visit_viewed')
    .on('page_views')
    .columns(['visit_id', 'viewed_at'])
    .execute();
}

async function createVisitorEvents(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visitor_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visit_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visitor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    // JSON, at most TRACKING_LIMITS.eventData characters.
    .addColumn('data', 'text')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('visitor_events_visit_fk', ['visit_id'], 'visits', ['id'])
    .$call(await tableOptions(db))
    .execute();
  await db.schema
    .createIndex('visitor_events_visitor_at')
    .on('visitor_events')
    .columns(['visitor_id', 'at'])
    .execute();
}

/** More tokens for one visitor: a verified identity signed in on another device. */
async function createVisitorTokens(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visitor_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visitor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
    .addForeignKeyConstraint('visitor_tokens_visitor_fk', ['visitor_id'], 'visitors', ['id'])
    .$call(await tableOptions(db))
    .execute();
}

async function createInvitations(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('site_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visitor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('visit_id', 'varchar(36)')
    // Null for an automatic invitation; then rule_id names the site's rule.
    .addColumn('agent_id', 'varchar(36)')
    .addColumn('rule_id', 'varchar(36)')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('shown_at', 'varchar(32)')
    .addColumn('dismissed_at', 'varchar(32)')
    .addColumn('answered_at', 'varchar(32)')
    .addColumn('conversation_id', 'varchar(36)')
    .addForeignKeyConstraint('invitations_org_fk', ['org_id'], 'organizations', ['id'])
    .addForeignKeyConstraint('invitations_visitor_fk', ['visitor_id'], 'visitors', ['id'])
    .$call(await tableOptions(db))
    .execute();
  await db.schema
    .createIndex('invitations_visitor_created')
    .on('invitations')
    .columns(['visitor_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['invitations', 'visitor_tokens', 'visitor_events', 'page_views', 'visits']) {
    await db.schema.dropTable(table).execute();
  }
  // MySQL made this index serve the visitors → sites foreign key; dropping the column below
  // narrows it instead. SQLite cannot drop an indexed column.
  if (engineOf(db) !== 'mysql') await dropIndex(db, 'visitors_site_external', 'visitors');
  for (const column of [
    'tracking_settings',
    'identity_secret',
    'identity_secret_at',
    'invitation_rules',
  ]) {
    await db.schema.alterTable('sites').dropColumn(column).execute();
  }
  for (const column of [
    'external_id',
    'claimed_id',
    'attributes',
    'notes',
    'time_zone',
    'browser',
    'os',
    'device',
    'country',
    'city',
    'current_visit_id',
    'visit_count',
  ]) {
    await db.schema.alterTable('visitors').dropColumn(column).execute();
  }
}
