import type { Database } from './schema';

/**
 * Parley's tables, parents before children (the order foreign keys allow inserting them in), each
 * with its primary key: what backup, restore and migrate-data copy, page through and compare.
 * tables.test.ts fails when a migration adds a table that is missing here.
 */
export const PARLEY_TABLES: readonly { name: keyof Database; key: string }[] = [
  { name: 'organizations', key: 'id' },
  { name: 'sites', key: 'id' },
  { name: 'agents', key: 'id' },
  { name: 'departments', key: 'id' },
  { name: 'agent_departments', key: 'id' },
  { name: 'org_routing', key: 'org_id' },
  { name: 'invites', key: 'id' },
  { name: 'recovery_codes', key: 'id' },
  { name: 'password_resets', key: 'id' },
  { name: 'sessions', key: 'token_hash' },
  { name: 'visitors', key: 'id' },
  { name: 'visitor_tokens', key: 'token_hash' },
  { name: 'visits', key: 'id' },
  { name: 'page_views', key: 'id' },
  { name: 'visitor_events', key: 'id' },
  { name: 'invitations', key: 'id' },
  { name: 'blocked_addresses', key: 'id' },
  { name: 'refused_origins', key: 'id' },
  { name: 'conversations', key: 'id' },
  { name: 'messages', key: 'id' },
  { name: 'message_translations', key: 'id' },
  { name: 'transfers', key: 'id' },
  { name: 'events', key: 'id' },
  { name: 'jobs', key: 'id' },
  { name: 'schedules', key: 'name' },
  { name: 'translation_cache', key: 'key' },
  { name: 'glossary_terms', key: 'id' },
];
