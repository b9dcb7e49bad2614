/**
 * Every REST body and realtime payload, typed once. The server validates with these schemas;
 * clients import the inferred types only (`import type`), so zod never reaches the widget bundle.
 */
import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { languageTag, messageMeta } from './routing-schemas';
import {
  CLIENT_ID_PATTERN,
  EMAIL_PATTERN,
  MAX_CONVERSATION_PAGE,
  MAX_MESSAGE_LENGTH,
  MAX_SEQ,
  MAX_VISITOR_EMAIL,
  MAX_VISITOR_NAME,
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
// Declared once, as schemas: the server's responses are checked against them and the OpenAPI
// document is made from them; every client takes the inferred types (`import type`).

export const authorType = z.enum(['visitor', 'agent', 'bot', 'system']);
export type AuthorType = z.infer<typeof authorType>;
export const conversationStatus = z.enum(['open', 'pending', 'resolved']);
export type ConversationStatus = z.infer<typeof conversationStatus>;
export const agentRole = z.enum(['owner', 'admin', 'supervisor', 'agent']);
export type AgentRole = z.infer<typeof agentRole>;

const isoTime = z.string().meta({ description: 'ISO 8601, UTC, with milliseconds' });

export const translationStatus = z.enum(['pending', 'done', 'failed']);
export type TranslationStatus = z.infer<typeof translationStatus>;

/** A message's text in another language, made by the organization's translation provider. */
export const messageTranslationSchema = z
  .object({
    language: z.string().meta({ description: 'BCP 47: the language of `body`' }),
    status: translationStatus.meta({
      description: 'pending: queued or retrying; failed: the provider never answered well',
    }),
    body: z.string().nullable().meta({ description: 'Set once done; else null' }),
  })
  .meta({ id: 'MessageTranslation' });
export type MessageTranslation = z.infer<typeof messageTranslationSchema>;

export const messageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    seq: z.number().int().meta({
      description:
        'Strictly increasing within the conversation, from 1. Order by this, never by time',
    }),
    clientId: z
      .string()
      .nullable()
      .meta({ description: "The sender's idempotency key; null for messages the server made" }),
    author: z.object({ type: authorType, id: z.string().nullable(), name: z.string().nullable() }),
    body: z.string(),
    internal: z
      .boolean()
      .meta({ description: 'A private note between agents; never sent to the visitor' }),
    meta: messageMeta.nullable().meta({
      description: 'What a structured timeline entry is (why this agent, a transfer); else null',
    }),
    translations: z.array(messageTranslationSchema).meta({
      description:
        'Agents get every translation; the visitor only the one into its conversation language; notes none',
    }),
    createdAt: isoTime,
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof messageSchema>;

export const conversationSchema = z
  .object({
    id: z.string(),
    siteId: z.string(),
    visitor: z.object({
      id: z.string(),
      name: z.string().nullable(),
      email: z.string().nullable().meta({ description: 'What the visitor gave before chatting' }),
      blocked: z.boolean().meta({
        description:
          'Agents blocked this visitor: its conversations leave the open and resolved lists',
      }),
    }),
    status: conversationStatus,
    assigneeId: z.string().nullable(),
    departmentId: z.string().nullable(),
    queuedAt: isoTime.nullable().meta({
      description: "Set while it waits in its department's queue for an agent with room",
    }),
    assignedAt: isoTime.nullable(),
    language: z.string().nullable().meta({ description: "BCP 47: the visitor's language" }),
    lastSeq: z.number().int(),
    lastMessage: z.object({ body: z.string(), authorType, createdAt: isoTime }).nullable(),
    unreadCount: z.number().int().meta({ description: 'Visitor messages no agent has read yet' }),
    visitorReadSeq: z.number().int(),
    agentReadSeq: z.number().int(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'Conversation', description: 'A conversation as agents see it' });
export type Conversation = z.infer<typeof conversationSchema>;

export const visitorConversationSchema = z
  .object({
    id: z.string(),
    status: conversationStatus,
    lastSeq: z.number().int(),
    agentReadSeq: z.number().int().meta({
      description:
        "The highest seq an agent has read: the visitor's messages up to it show as read",
    }),
    visitorReadSeq: z.number().int(),
  })
  .meta({ id: 'VisitorConversation', description: 'A conversation as its visitor sees it' });
export type VisitorConversation = z.infer<typeof visitorConversationSchema>;

export const agentSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    email: z.string(),
    name: z.string(),
    role: agentRole,
  })
  .meta({ id: 'Agent' });
export type Agent = z.infer<typeof agentSchema>;

/** Messages after a seq, ascending; ask again with the last seq while `hasMore`. */
export function syncResultSchema<C extends z.ZodType>(conversation: C) {
  return z.object({
    conversation: conversation.nullable(),
    messages: z.array(messageSchema),
    hasMore: z.boolean(),
  });
}
export interface SyncResult<C> {
  conversation: C | null;
  /** Messages with seq > afterSeq, ascending, at most SYNC_PAGE_SIZE. */
  messages: Message[];
  /** True when more messages follow: ask again with the last seq you got. */
  hasMore: boolean;
}

/** Where a cursor-paged list goes on. */
const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass it as `cursor` for the next page; null on the last page' });

export const conversationPageSchema = z
  .object({
    conversations: z.array(conversationSchema),
    nextCursor,
  })
  .meta({ id: 'ConversationPage' });
/** One page of a conversation list; ask again with `nextCursor` while it is not null. */
export type ConversationPage = z.infer<typeof conversationPageSchema>;

/** Every refusal, over HTTP: `{ error: { code, message } }` (see errors.ts for the codes). */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      retryAfter: z.number().int().optional(),
    }),
  })
  .meta({ id: 'Error' });

// ---- REST bodies (clients → server) ----

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
  /** With two-factor sign-in: the authenticator's 6 digits, or a recovery code. */
  code: z.string().trim().max(32).optional(),
});
export type LoginBody = z.infer<typeof loginBody>;

/** What the widget reports of `navigator.language`: a malformed tag never stops the chat. */
const browserLanguage = languageTag.optional().catch(undefined);

export const createVisitorBody = z.object({
  siteKey: lookupKey(64),
  /** The embedding page's origin, as the widget frame learnt it from postMessage. */
  pageOrigin: z.string().max(512).optional(),
  /** The browser's language (`navigator.language`); one that is not BCP 47 is ignored. */
  language: browserLanguage,
});
export type CreateVisitorBody = z.infer<typeof createVisitorBody>;
export const createVisitorReplySchema = z
  .object({
    visitorId: z.string(),
    token: z.string().meta({
      description:
        "Keep it: it is the visitor's only credential, and the server stores only its hash",
    }),
  })
  .meta({ id: 'NewVisitor' });
export type CreateVisitorReply = z.infer<typeof createVisitorReplySchema>;

/** The inbox tabs: assigned to me, waiting for someone, everything I may see. */
export const inboxView = z.enum(['mine', 'unassigned', 'all']);
export type InboxView = z.infer<typeof inboxView>;

/**
 * A page of conversations, most recently updated first. `blocked` lists the conversations of
 * blocked visitors, which `open` and `resolved` leave out. Without `view`, every conversation the
 * agent may see; "all" is for supervisors and up, or every agent when the organization allows.
 */
export const conversationListQuery = z.object({
  status: z.enum(['open', 'resolved', 'blocked']).default('open'),
  view: inboxView.optional(),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CONVERSATION_PAGE).default(50),
});
export type ConversationListQuery = z.output<typeof conversationListQuery>;

/** Blocks a visitor; with `address`, also the address it last connected from. */
export const blockVisitorBody = z.object({ address: z.boolean().default(false) });

export const historyQuery = z.object({
  afterSeq: z.coerce.number().pipe(seq).default(0),
});

export const agentSendBody = z.object({
  clientId,
  body: messageBody,
  internal: z.boolean().default(false),
  /**
   * Translate the reply into the conversation's language (when it differs) before the visitor
   * reads it. Ignored for notes, and when `translation` is given.
   */
  translate: z.boolean().default(true),
  /** The agent's previewed (maybe edited) translation into the visitor's language: sent as is. */
  translation: z.object({ language: languageTag, body: messageBody }).optional(),
});
export type AgentSendBody = z.input<typeof agentSendBody>;

// ---- realtime payloads (clients → server) ----

export const visitorHandshake = z.object({
  siteKey: lookupKey(64),
  /** Empty when the widget has none (yet): answered `unauthorized`, so it makes a new visitor. */
  token: plainText(256),
  pageOrigin: z.string().max(512).optional(),
  /** The browser's language now (it may have changed since the visitor was made). */
  language: browserLanguage,
});
export type VisitorHandshake = z.infer<typeof visitorHandshake>;

/**
 * A visitor's events act on its current conversation. Naming one is optional; a conversation
 * that is not the visitor's own answers `not_found`, exactly like one that does not exist.
 */
const visitorTarget = { conversationId: entityId.optional() };
export const visitorSendPayload = z.object({
  ...visitorTarget,
  clientId,
  body: messageBody,
});
export const visitorSyncPayload = z.object({ ...visitorTarget, afterSeq: seq });
export const visitorTypingPayload = z.object({ ...visitorTarget, typing: z.boolean() });
export const visitorReadPayload = z.object({ ...visitorTarget, seq });

/**
 * The name, email and department a visitor gives before chatting; empty or left out means not
 * given.
 */
export const visitorIdentifyPayload = z
  .object({
    name: plainText(MAX_VISITOR_NAME)
      .refine((s) => s.isWellFormed(), 'must be well-formed UTF-16 text')
      .transform((s) => s.trim())
      .optional(),
    email: plainText(MAX_VISITOR_EMAIL)
      .transform((s) => s.trim())
      .refine((s) => s === '' || EMAIL_PATTERN.test(s), {
        message: 'must be an email address',
        params: { code: 'invalid_email' },
      })
      .optional(),
    /** The department picked in the pre-chat form, among those the site offers; null: none. */
    departmentId: entityId.nullable().optional(),
  })
  .strict();
export const visitorContactSchema = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
});
export type VisitorContact = z.infer<typeof visitorContactSchema>;

export const agentSendPayload = agentSendBody.extend({ conversationId: entityId });
export const agentSyncPayload = z.object({ conversationId: entityId, afterSeq: seq });
export const agentListPayload = conversationListQuery;
export const agentTypingPayload = z.object({ conversationId: entityId, typing: z.boolean() });
export const agentReadPayload = z.object({ conversationId: entityId, seq });
export const agentResolvePayload = z.object({ conversationId: entityId });

// ---- jobs ----

export const failedJobSchema = z
  .object({
    id: z.string(),
    type: z.string().meta({ description: 'What the job does, e.g. conversation.system-message' }),
    attempts: z.number().int(),
    lastError: z.string().nullable().meta({ description: 'Why its last attempt failed' }),
    createdAt: isoTime,
    failedAt: isoTime.nullable(),
  })
  .meta({ id: 'FailedJob' });
export type FailedJob = z.infer<typeof failedJobSchema>;

export const failedJobPageSchema = z
  .object({
    jobs: z.array(failedJobSchema),
    nextCursor,
  })
  .meta({ id: 'FailedJobPage' });
export type FailedJobPage = z.infer<typeof failedJobPageSchema>;

/** A page of the organization's failed jobs, the newest first. */
export const failedJobsQuery = z.object({
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      'not a cursor this server gave out',
    )
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type FailedJobsQuery = z.output<typeof failedJobsQuery>;
