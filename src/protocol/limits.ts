/** Limits shared by server and clients. Plain constants: the widget imports them without zod. */

/** Longest message body, in UTF-16 code units (what `String.length` counts). */
export const MAX_MESSAGE_LENGTH = 10_000;

/** Longest name and email a visitor gives in the pre-chat form. */
export const MAX_VISITOR_NAME = 100;
export const MAX_VISITOR_EMAIL = 254;
/** A loose address check (something, @, something with a dot, no spaces): server and widget. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Client-made message ids: 1–64 characters of `A-Z a-z 0-9 _ -` (a UUID fits). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The largest seq there can be: seqs are stored as a 32-bit `integer` on every engine, and
 * PostgreSQL refuses even to compare one with a larger number, so a larger one is invalid input.
 */
export const MAX_SEQ = 2_147_483_647;

/** Most messages one `conversation:sync` or history page returns; the client asks again while `hasMore`. */
export const SYNC_PAGE_SIZE = 200;

/**
 * A sync page also stops once its bodies pass this many UTF-16 units (always at least one
 * message), so no reply comes near a socket's send-buffer limit.
 */
export const SYNC_PAGE_CHARS = 256 * 1024;

/** Most conversations one list page may hold (`limit`); the default page is 50. */
export const MAX_CONVERSATION_PAGE = 100;

/** Realtime events a socket may send: a bucket of `burst` refilled at `perSecond`. */
export const SOCKET_EVENT_RATE = { perSecond: 20, burst: 40 } as const;

/** Longest display name of a visitor or agent. */
export const MAX_NAME_LENGTH = 120;

/**
 * True when text has nothing visible: only whitespace and default-ignorable characters (zero-width
 * spaces and joiners, bidi controls, soft hyphens, BOM…). Joiners inside real text are kept.
 */
export function isBlankText(text: string): boolean {
  return text.replace(/[\s\p{Default_Ignorable_Code_Point}]/gu, '').length === 0;
}
