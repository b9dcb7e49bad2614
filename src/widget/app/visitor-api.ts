import type { ErrorBody } from '../../protocol/errors';
import type { CreateVisitorBody } from '../../protocol/schemas';
import { isRecord } from '../../client/is-record';
import { isVisitorIdentity, type VisitorIdentity } from './visitor-identity';

/** The server answered, but not with a visitor. `status` 0 means the reply was not understood. */
export class VisitorApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ErrorBody | null,
  ) {
    super(error?.message ?? `Creating a visitor failed with HTTP ${status}`);
    this.name = 'VisitorApiError';
  }

  /** Worth trying again later: rate limits and server trouble pass, a refusal does not. */
  get transient(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** `POST /api/v1/widget/visitors`: a new anonymous visitor and its token. Rejects on network failure. */
export async function createVisitor(body: CreateVisitorBody): Promise<VisitorIdentity> {
  const response = await fetch('/api/v1/widget/visitors', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reply = await response.json().catch(() => null);
  if (response.ok && isVisitorIdentity(reply)) return reply;
  throw new VisitorApiError(response.ok ? 0 : response.status, errorBodyOf(reply));
}

function errorBodyOf(reply: unknown): ErrorBody | null {
  return isRecord(reply) && isErrorBody(reply.error) ? reply.error : null;
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}
