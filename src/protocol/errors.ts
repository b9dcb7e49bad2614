/**
 * Stable error codes. Clients branch on `code`; `message` is for people and may change.
 * Over HTTP the body is `{ error: { code, message } }`; over a socket the ack is
 * `{ ok: false, error: { code, message } }`; a refused handshake is a `connect_error`
 * whose `data` is `{ code, message }`.
 */
export const ERROR_CODES = [
  'invalid_payload',
  'message_too_long',
  'invalid_text',
  'unknown_event',
  'unauthorized',
  'forbidden_origin',
  'forbidden',
  'invalid_credentials',
  'too_many_attempts',
  'rate_limited',
  'too_many_connections',
  'not_found',
  'invalid_origin',
  'invalid_color',
  'contact_required',
  'invalid_email',
  'invite_used',
  'invite_expired',
  'last_owner',
  'email_taken',
  'two_factor_required',
  'invalid_code',
  'code_used',
  'two_factor_setup_required',
  'two_factor_not_enabled',
  'two_factor_policy',
  'reset_used',
  'reset_expired',
  'agent_deactivated',
  'transfer_to_self',
  'conversation_resolved',
  'transfer_not_pending',
  'department_name_taken',
  'already_assigned',
  'not_in_department',
  'bot_dropped',
  'identity_unverified',
  'visitor_not_on_site',
  'visitor_chatting',
  'invitation_closed',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** With `rate_limited` and `too_many_connections`: seconds to wait before trying again. */
  retryAfter?: number;
}

/** HTTP status for each code, so REST and sockets agree on what an error means. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_payload: 400,
  message_too_long: 400,
  invalid_text: 400,
  unknown_event: 400,
  unauthorized: 401,
  forbidden_origin: 403,
  forbidden: 403,
  invalid_credentials: 401,
  too_many_attempts: 429,
  rate_limited: 429,
  too_many_connections: 429,
  not_found: 404,
  invalid_origin: 400,
  invalid_color: 400,
  contact_required: 400,
  invalid_email: 400,
  invite_used: 410,
  invite_expired: 410,
  last_owner: 409,
  email_taken: 409,
  two_factor_required: 401,
  invalid_code: 401,
  code_used: 401,
  two_factor_setup_required: 403,
  two_factor_not_enabled: 409,
  two_factor_policy: 409,
  reset_used: 410,
  reset_expired: 410,
  agent_deactivated: 409,
  transfer_to_self: 400,
  conversation_resolved: 409,
  transfer_not_pending: 409,
  department_name_taken: 409,
  already_assigned: 409,
  not_in_department: 403,
  bot_dropped: 403,
  identity_unverified: 403,
  visitor_not_on_site: 409,
  visitor_chatting: 409,
  invitation_closed: 410,
  internal: 500,
};
