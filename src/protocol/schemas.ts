/**
 * Every REST body and realtime payload, typed once. The server validates with these schemas;
 * clients import the inferred types only (`import type`), so zod never reaches the widget bundle.
 */
import { z } from 'zod';
import {
  CLIENT_ID_PATTERN,
  MAX_CONVERSATION_PAGE,
  MAX_MESSAGE_LENGTH,
  MAX_SEQ,
  isBlankText,
} from './limits';

/**
 * U+0000, which PostgreSQL cannot hold in text (and refuses even in a lookup): refused in every
 * stored or looked-up string on every engine, so that they all answer alike.
 */
const withoutNul = (s: string) => !s.includes('\u0000');
const NO_NUL = 'must not contain U+0000';

/** A string a client sends that is stored or looked up: at most `max` characters, no U+0000. */
export const plainText = (max: number) => z.string().max(max).refine(withoutNul, NO_NUL);
/** An id or key to look up (ids, site keys). */
const lookupKey = (max: number) => plainText(max).min(1);

/**
 * Text a person wrote: well-formed UTF-16 (no lone surrogates, no U+0000), at most
 * MAX_MESSAGE_LENGTH, and something visible in it (whitespace and invisible characters alone
 * are empty).
 */
export const messageBody = z
  .string()
  .refine((s) => !isBlankText(s), { message: 'must not be empty' })
  .refine((s) => s.length <= MAX_MESSAGE_LENGTH, {
    message: `must be at most ${MAX_MESSAGE_LENGTH} characters`,
    params: { code: 'message_too_long' },
  })
  .refine((s) => s.isWellFormed(), {
    message: 'must be well-formed UTF-16 text',
    params: { code: 'invalid_text' },
  })
  .refine(withoutNul, { message: NO_NUL, params: { code: 'invalid_text' } });

export const clientId = z.string().regex(CLIENT_ID_PATTERN, 'must be 1-64 of A-Z a-z 0-9 _ -');
export const entityId = lookupKey(64);
export const seq = z.number().int().min(0).max(MAX_SEQ);

// ---- entities (server → clients) ----

export type AuthorType = 'visitor' | 'agent' | 'bot' | 'system';
export type ConversationStatus = 'open' | 'pending' | 'resolved';
export type AgentRole = 'owner' | 'admin' | 'supervisor' | 'agent';

export interface Message {
  id: string;
  conversationId: string;
  /** Strictly increasing within the conversation, from 1. Order by this, never by time. */
  seq: number;
  /** The sender's idempotency key; null for messages the server made. */
  clientId: string | null;
  author: { type: AuthorType; id: string | null; name: string | null };
  body: string;
  /** A private note between agents; never sent to the visitor. */
  internal: boolean;
  /** ISO 8601, UTC, for display only. */
  createdAt: string;
}

/** A conversation as agents see it. */
export interface Conversation {
  id: string;
  siteId: string;
  /** `blocked`: agents blocked this visitor; its conversations leave the Open and Resolved lists. */
  visitor: { id: string; name: string | null; blocked: boolean };
  status: ConversationStatus;
  assigneeId: string | null;
  lastSeq: number;
  lastMessage: { body: string; authorType: AuthorType; createdAt: string } | null;
  /** Visitor messages no agent has read yet. */
  unreadCount: number;
  visitorReadSeq: number;
  agentReadSeq: number;
  createdAt: string;
  updatedAt: string;
}

/** A conversation as its visitor sees it. */
export interface VisitorConversation {
  id: string;
  status: ConversationStatus;
  lastSeq: number;
  /** The highest seq an agent has read: the visitor's messages up to it show as read. */
  agentReadSeq: number;
  visitorReadSeq: number;
}

export interface Agent {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: AgentRole;
}

/** One page of a conversation list; ask again with `nextCursor` while it is not null. */
export interface ConversationPage {
  conversations: Conversation[];
  nextCursor: string | null;
}

/** A site as agents see it. */
export interface SiteView {
  id: string;
  name: string;
  /** Public: it goes in the embed snippet. */
  widgetKey: string;
  allowedOrigins: string[];
  /** This site's limit on each visitor's messages per minute; null for the server default. */
  visitorMessagesPerMinute: number | null;
}

export interface SyncResult<C> {
  conversation: C | null;
  /** Messages with seq > afterSeq, ascending, at most SYNC_PAGE_SIZE. */
  messages: Message[];
  /** True when more messages follow: ask again with the last seq you got. */
  hasMore: boolean;
}

// ---- REST bodies (clients → server) ----

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof loginBody>;

export const createVisitorBody = z.object({
  siteKey: lookupKey(64),
  /** The embedding page's origin, as the widget frame learnt it from postMessage. */
  pageOrigin: z.string().max(512).optional(),
});
export type CreateVisitorBody = z.infer<typeof createVisitorBody>;
export interface CreateVisitorReply {
  visitorId: string;
  /** Keep it: it is the visitor's only credential, and the server stores only its hash. */
  token: string;
}

/**
 * A page of conversations, most recently updated first. `blocked` lists the conversations of
 * blocked visitors, which `open` and `resolved` leave out.
 */
export const conversationListQuery = z.object({
  status: z.enum(['open', 'resolved', 'blocked']).default('open'),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CONVERSATION_PAGE).default(50),
});
export type ConversationListQuery = z.output<typeof conversationListQuery>;

/** Blocks a visitor; with `address`, also the address it last connected from. */
export const blockVisitorBody = z.object({ address: z.boolean().default(false) });

/** What an owner or admin may change of a site (for now: its visitors' message limit). */
export const siteLimitsBody = z.object({
  visitorMessagesPerMinute: z.number().int().min(1).max(100_000).nullable().optional(),
});
export type SiteLimitsBody = z.output<typeof siteLimitsBody>;

export const historyQuery = z.object({
  afterSeq: z.coerce.number().pipe(seq).default(0),
});

export const agentSendBody = z.object({
  clientId,
  body: messageBody,
  internal: z.boolean().default(false),
});
export type AgentSendBody = z.input<typeof agentSendBody>;

// ---- realtime payloads (clients → server) ----

export const visitorHandshake = z.object({
  siteKey: lookupKey(64),
  /** Empty when the widget has none (yet): answered `unauthorized`, so it makes a new visitor. */
  token: plainText(256),
  pageOrigin: z.string().max(512).optional(),
});
export type VisitorHandshake = z.infer<typeof visitorHandshake>;

/**
 * A visitor's events act on its current conversation. Naming one is optional; a conversation
 * that is not the visitor's own answers `not_found`, exactly like one that does not exist.
 */
const visitorTarget = { conversationId: entityId.optional() };
export const visitorSendPayload = z.object({ ...visitorTarget, clientId, body: messageBody });
export const visitorSyncPayload = z.object({ ...visitorTarget, afterSeq: seq });
export const visitorTypingPayload = z.object({ ...visitorTarget, typing: z.boolean() });
export const visitorReadPayload = z.object({ ...visitorTarget, seq });

export const agentSendPayload = agentSendBody.extend({ conversationId: entityId });
export const agentSyncPayload = z.object({ conversationId: entityId, afterSeq: seq });
export const agentListPayload = conversationListQuery;
export const agentTypingPayload = z.object({ conversationId: entityId, typing: z.boolean() });
export const agentReadPayload = z.object({ conversationId: entityId, seq });
export const agentResolvePayload = z.object({ conversationId: entityId });
