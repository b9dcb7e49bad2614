import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../../protocol/errors';

/** What can go wrong before the server answers: unreachable, silent, or the socket is down. */
export const CLIENT_FAILURE_CODES = ['network', 'timeout', 'offline'] as const;

export type FailureCode = ErrorCode | (typeof CLIENT_FAILURE_CODES)[number];

/** A failed REST call or socket action, carrying a stable code the UI turns into a sentence. */
export class RequestError extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'RequestError';
  }

  static fromBody(body: ErrorBody, retryAfterSeconds: number | null = null): RequestError {
    return new RequestError(body.code, body.message, retryAfterSeconds);
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof message === 'string' && (ERROR_CODES as readonly unknown[]).includes(code);
}

export function failureCodeOf(error: unknown): FailureCode {
  return error instanceof RequestError ? error.code : 'internal';
}
