/**
 * Table types for Kysely. Portable across SQLite, PostgreSQL and MySQL: ids are text (UUIDs),
 * times are ISO 8601 UTC text (sortable, same in every dialect), booleans are 0/1 integers.
 */
import type { Generated } from 'kysely';
import type { PresenceStatus, RoutingStrategy } from '../../protocol/routing-schemas';
import type {
  AgentRole,
  AuthorType,
  ConversationStatus,
  LanguageSource,
} from '../../protocol/schemas';
import type { TransferStatus } from '../../protocol/transfer-schemas';

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: string;
  /** A language tag (`en`, `pt-BR`); null for English. */
  default_language: string | null;
  /** An IANA time zone (`Europe/Paris`); null for UTC. */
  time_zone: string | null;
  /** Set while the organization requires two-factor sign-in of every agent. */
  two_factor_required_at: string | null;
  /** JSON RoutingSettings; null for the defaults. */
  routing_settings: string | null;
  /** JSON { provider, url, key, model } (see translation.service); null: none chosen. */
  translation_settings: string | null;
}

export interface SitesTable {
  id: string;
  org_id: string;
  name: string;
  /** Public: it is in the customer's page source. */
  widget_key: string;
  /** JSON array of origins (`https://shop.example`) allowed to embed the widget. */
  allowed_origins: string;
  /** This site's visitor message limit; null for the server-wide default. */
  visitor_messages_per_minute: number | null;
  created_at: string;
  /** JSON WidgetSettings (appearance, pre-chat form); null for the defaults. */
  widget_settings: string | null;
  /** Set once deleted: the key stops working; its conversations stay, archived. */
  deleted_at: string | null;
  /** Where its new conversations are routed; null: the whole team. */
  default_department_id: string | null;
  /** JSON TrackingSettings; null for the defaults. */
  tracking_settings: string | null;
  /** The HMAC-SHA256 key for identify hashes; null until the owner makes one. */
  identity_secret: string | null;
  identity_secret_at: string | null;
  /** 1: identify calls without a right hash are refused (migration 0019). */
  identity_required: Generated<number>;
  /** JSON array of automatic invitation rules; null for none. */
  invitation_rules: string | null;
}

export interface AgentsTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  password_hash: string;
  role: AgentRole;
  created_at: string;
  /** Set while deactivated: no sign-in and no session; their history stays. */
  deactivated_at: string | null;
  /** Base32 TOTP secret; in use once `totp_enabled_at` is set. */
  totp_secret: string | null;
  totp_enabled_at: string | null;
  /** The time step of the last accepted code: each code works once. */
  totp_last_step: number | null;
  /** What routing reads, kept by the presence service. */
  presence: PresenceStatus;
  /** What the agent chose in the header. */
  chosen_status: PresenceStatus;
  /** The most conversations auto-assignment gives this agent at once. */
  max_chats: number;
  /** JSON array of BCP 47 tags the agent speaks; null: none given. */
  languages: string | null;
  /** When the agent last did something in the console; null: never connected. */
  active_at: string | null;
  /** The console language the agent picked in Profile (a UI language tag); null: the browser's. */
  locale: string | null;
}

/** A team within the organization that conversations are routed to. */
export interface DepartmentsTable {
  id: string;
  org_id: string;
  name: string;
  strategy: RoutingStrategy;
  /** Round-robin's place: the agent assigned last. */
  last_assigned_agent_id: string | null;
  created_at: string;
  /** Set once deleted: it takes no new conversations; the ones it had stay. */
  deleted_at: string | null;
}

/** An organization's routing state (made on its first routing pass): see migrations/0012. */
export interface OrgRoutingTable {
  org_id: string;
  /** Round-robin's place for conversations of no department: the agent assigned last. */
  last_assigned_agent_id: string | null;
}

/** An agent's membership of a department. */
export interface AgentDepartmentsTable {
  id: string;
  agent_id: string;
  department_id: string;
  org_id: string;
  created_at: string;
}

/** A "Forgot password?" link: single use, expiring; stored as its token's SHA-256. */
export interface PasswordResetsTable {
  id: string;
  agent_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A two-factor recovery code: single use, stored as its SHA-256. */
export interface RecoveryCodesTable {
  id: string;
  agent_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** An invitation to join an organization: a single-use link that expires. */
export interface InvitesTable {
  id: string;
  org_id: string;
  email: string;
  role: AgentRole;
  /** SHA-256 of the link's token; the token itself is never stored. */
  token_hash: string;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  token_hash: string;
  agent_id: string;
  org_id: string;
  created_at: string;
  expires_at: string;
}

export interface VisitorsTable {
  id: string;
  org_id: string;
  site_id: string;
  /** SHA-256 of the visitor's token; the token itself is never stored. */
  token_hash: string;
  /** What the visitor gave in the pre-chat form, if anything. */
  name: string | null;
  email: string | null;
  created_at: string;
  last_seen_at: string;
  /** Set while agents have blocked this visitor: its handshakes are refused. */
  blocked_at: string | null;
  blocked_by: string | null;
  /** The address (IPv4, or IPv6 /64) it last connected from; what blocking "their address" blocks. */
  last_address: string | null;
  /** The browser's language (BCP 47), as the widget reported it. */
  language: string | null;
  /** The department picked in the pre-chat form; a new conversation goes there when still offered. */
  chosen_department_id: string | null;
  /** The customer's user id, set only by an identify call whose hash was right. */
  external_id: string | null;
  /** An id claimed by identify without a right hash: shown as unverified, never linked. */
  claimed_id: string | null;
  /** JSON object of string attributes from identify. */
  attributes: string | null;
  /** The agents' notes about this visitor. */
  notes: string | null;
  time_zone: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  /** ISO 3166-1 alpha-2, from the offline IP database. */
  country: string | null;
  city: string | null;
  /** The visit going on now, or the last one. */
  current_visit_id: string | null;
  visit_count: Generated<number>;
}

export interface VisitsTable {
  id: string;
  org_id: string;
  site_id: string;
  visitor_id: string;
  started_at: string;
  last_seen_at: string;
  /** Set by the sweep once the visitor has been gone long enough. */
  ended_at: string | null;
  page_count: Generated<number>;
  referrer: string | null;
  landing_url: string | null;
  current_url: string | null;
  current_title: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  /** Whole, truncated or null, as the site's tracking settings keep it. */
  address: string | null;
  /** Events over the cap, counted and dropped. */
  events_dropped: Generated<number>;
}

export interface PageViewsTable {
  id: string;
  org_id: string;
  visit_id: string;
  visitor_id: string;
  url: string;
  title: string;
  referrer: string | null;
  /** 1 for a History API navigation inside a single-page app. */
  spa: Generated<number>;
  viewed_at: string;
  /** Seconds on the page while it was visible, as last reported. */
  seconds: Generated<number>;
}

export interface VisitorEventsTable {
  id: string;
  org_id: string;
  visit_id: string;
  visitor_id: string;
  name: string;
  /** JSON. */
  data: string | null;
  at: string;
}

/** More tokens for one visitor: a verified identity on another device. */
export interface VisitorTokensTable {
  token_hash: string;
  org_id: string;
  visitor_id: string;
  created_at: string;
  last_seen_at: string;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  site_id: string;
  visitor_id: string;
  visit_id: string | null;
  /** Null for an automatic invitation; then rule_id names the site's rule. */
  agent_id: string | null;
  rule_id: string | null;
  message: string;
  created_at: string;
  shown_at: string | null;
  dismissed_at: string | null;
  answered_at: string | null;
  conversation_id: string | null;
}

export interface BlockedAddressesTable {
  id: string;
  org_id: string;
  address: string;
  visitor_id: string | null;
  created_by: string | null;
  created_at: string;
}

/** An origin a site's widget was refused on lately (see sites/refused-origins.service.ts). */
export interface RefusedOriginsTable {
  id: string;
  org_id: string;
  site_id: string;
  origin: string;
  first_refused_at: string;
  last_refused_at: string;
  /** How many refusals were recorded (at most one per origin per node every few minutes). */
  refusals: number;
}

export interface ConversationsTable {
  id: string;
  org_id: string;
  site_id: string;
  visitor_id: string;
  status: ConversationStatus;
  assignee_id: string | null;
  /** The seq of the newest message; the next message takes last_seq + 1. */
  last_seq: number;
  last_message_body: string | null;
  last_message_author: AuthorType | null;
  last_message_at: string | null;
  agent_unread_count: number;
  agent_read_seq: number;
  visitor_read_seq: number;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  /** The department it is routed in; null: the whole team. */
  department_id: string | null;
  /** Set while it waits in its department's queue; the queue is in this order. */
  queued_at: string | null;
  assigned_at: string | null;
  /** BCP 47: the visitor's browser language until detection refines it. */
  language: string | null;
  /** Where `language` came from: the browser, or the visitor's messages once confidently detected. */
  language_source: LanguageSource;
}

/** A conversation handed to an agent or a department (see migrations/0013-transfers). */
export interface TransfersTable {
  id: string;
  org_id: string;
  conversation_id: string;
  from_agent_id: string | null;
  /** Exactly one of the two targets is set. */
  to_agent_id: string | null;
  to_department_id: string | null;
  status: TransferStatus;
  /** The agent who took the conversation, once accepted. */
  accepted_by: string | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
}

export interface MessagesTable {
  id: string;
  org_id: string;
  conversation_id: string;
  seq: number;
  client_id: string | null;
  author_type: AuthorType;
  author_id: string | null;
  /** The author's display name when the message was written. */
  author_name: string | null;
  body: string;
  internal: number;
  created_at: string;
  /** JSON MessageMeta: what a structured timeline entry is (why this agent, a transfer…). */
  meta: string | null;
  /** BCP 47 of the body as detected (`zh-Hant`, `pt`); null when unknown or not detected. */
  language: string | null;
}

/** A message's text in one other language (see migrations/0022-translation). */
export interface MessageTranslationsTable {
  id: string;
  message_id: string;
  org_id: string;
  conversation_id: string;
  language: string;
  status: 'pending' | 'done' | 'failed';
  body: string | null;
  provider: string | null;
  attempts: number;
  updated_at: string;
}

/** What a provider answered for a text, by a key that names everything the answer depends on. */
export interface TranslationCacheTable {
  key: string;
  org_id: string;
  body: string;
  created_at: string;
}

/** A glossary term: never translated (translation null), or always translated as `translation`. */
export interface GlossaryTermsTable {
  id: string;
  org_id: string;
  term: string;
  translation: string | null;
  created_at: string;
}

/** One change others react to, recorded with the change (see migrations/0003-events). */
export interface EventsTable {
  id: string;
  org_id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  conversation_id: string | null;
  visitor_id: string | null;
  /** JSON; ids and numbers, never message bodies. */
  data: string | null;
  created_at: string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A unit of work after a commit (see migrations/0004-jobs and core/jobs). Times in ms. */
export interface JobsTable {
  id: string;
  org_id: string | null;
  type: string;
  /** JSON. */
  payload: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  /** Unix ms; PostgreSQL hands bigints back as strings, so readers wrap them in Number(). */
  run_at: number;
  locked_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: string;
  finished_at: string | null;
}

/** A periodic job: whoever moves next_run_at forward enqueues the run. */
export interface SchedulesTable {
  name: string;
  type: string;
  payload: string;
  interval_ms: number;
  next_run_at: number;
}

export interface Database {
  organizations: OrganizationsTable;
  sites: SitesTable;
  agents: AgentsTable;
  departments: DepartmentsTable;
  agent_departments: AgentDepartmentsTable;
  org_routing: OrgRoutingTable;
  invites: InvitesTable;
  recovery_codes: RecoveryCodesTable;
  password_resets: PasswordResetsTable;
  sessions: SessionsTable;
  visitors: VisitorsTable;
  visits: VisitsTable;
  page_views: PageViewsTable;
  visitor_events: VisitorEventsTable;
  visitor_tokens: VisitorTokensTable;
  invitations: InvitationsTable;
  blocked_addresses: BlockedAddressesTable;
  refused_origins: RefusedOriginsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  transfers: TransfersTable;
  events: EventsTable;
  jobs: JobsTable;
  schedules: SchedulesTable;
  message_translations: MessageTranslationsTable;
  translation_cache: TranslationCacheTable;
  glossary_terms: GlossaryTermsTable;
}
