import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../../../protocol/events';
import { SESSION_TTL_MS } from './auth.service';

/**
 * Where the agent's session token travels: one cookie, named and flagged by whether the request
 * came over HTTPS (directly, through a trusted proxy, or because the public URL is https).
 */
export interface SessionCookie {
  read(request: IncomingMessage, cookies: Record<string, string | undefined>): string | undefined;
  set(reply: FastifyReply, request: IncomingMessage, token: string): void;
  clear(reply: FastifyReply, request: IncomingMessage): void;
}

export function sessionCookie(isSecure: (request: IncomingMessage) => boolean): SessionCookie {
  const nameFor = (request: IncomingMessage) =>
    isSecure(request) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  return {
    read: (request, cookies) => cookies[nameFor(request)],
    set: (reply, request, token) => {
      reply.setCookie(nameFor(request), token, {
        path: '/',
        httpOnly: true,
        // The console's own fetches carry it; nothing another site starts ever does, not even a link.
        sameSite: 'strict',
        secure: isSecure(request),
        maxAge: SESSION_TTL_MS / 1000,
      });
    },
    clear: (reply, request) => {
      reply.clearCookie(nameFor(request), { path: '/', secure: isSecure(request) });
    },
  };
}
