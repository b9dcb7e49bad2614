import type { ErrorBody, ErrorCode } from '../protocol/errors';

/** An error a caller can act on: a stable code plus a message for people. Both transports map it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds after which trying again may succeed (rate limits). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.retryAfter !== undefined) body.retryAfter = this.retryAfter;
    return body;
  }
}

/** Over a limit: try again in `retryAfterMs` (rounded up to whole seconds, at least 1). */
export const rateLimited = (message: string, retryAfterMs: number) =>
  new AppError('rate_limited', message, Math.max(1, Math.ceil(retryAfterMs / 1000)));

/** The same answer for "does not exist" and "not yours", so ids of others leak nothing. */
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
