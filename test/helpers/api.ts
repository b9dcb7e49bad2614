/** REST calls as the console makes them: with the session cookie, from Parley's own origin. */
import type { ServerEndpoint } from './server';

export interface ApiReply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function api<T = Record<string, unknown>>(
  server: ServerEndpoint,
  cookie: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiReply<T>> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      origin: server.url,
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The `{ error: { code } }` of a refusal. */
export const codeOf = (reply: ApiReply): unknown =>
  (reply.body as { error?: { code?: string } } | null)?.error?.code;
