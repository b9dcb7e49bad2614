import type { ErrorBody, ErrorCode } from '../protocol/errors';

/** An error a caller can act on: a stable code plus a message for people. Both transports map it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** The same answer for "does not exist" and "not yours", so ids of others leak nothing. */
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
