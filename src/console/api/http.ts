import { leaveForSignIn, leaveForTwoFactorSetup } from '../session-exit';
import { RequestError, isErrorBody } from './request-error';

interface RequestOptions {
  body?: unknown;
  /** Set where a 401 is an answer rather than an expired session (`GET /me`, login). */
  unauthorizedIsExpected?: boolean;
}

/** Calls the REST API on the same origin; the session cookie rides along. Rejects with RequestError. */
export async function requestJson<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const response = await send(method, path, options.body);
  const payload: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return payload as T;

  const error = errorFrom(response, payload);
  if (error.code === 'unauthorized' && !options.unauthorizedIsExpected) {
    leaveForSignIn({ returnHere: true });
  }
  // The organization began requiring two-factor sign-in: only its setup is open to us now.
  if (error.code === 'two_factor_setup_required') leaveForTwoFactorSetup();
  throw error;
}

async function send(method: string, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Fastify refuses an empty body declared as JSON, so bodiless POSTs send no content type.
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new RequestError('network', 'The server could not be reached');
  }
}

function errorFrom(response: Response, payload: unknown): RequestError {
  const body =
    typeof payload === 'object' && payload !== null ? Reflect.get(payload, 'error') : null;
  return isErrorBody(body)
    ? RequestError.fromBody(body, retryAfter(response))
    : new RequestError('internal', `HTTP ${response.status}`);
}

function retryAfter(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}
