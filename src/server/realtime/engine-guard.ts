import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from '../../protocol/errors';

type Next = (error?: unknown) => void;

/**
 * Engine.IO middleware, run on every request of `/socket.io/` before Engine.IO reads it:
 * - JSONP polling is refused. Its replies are scripts, which a page of another origin can run
 *   with `<script src>` — carrying the agent's cookie and no Origin — and so read. Our clients
 *   use XHR polling, which the same-origin policy protects.
 * - Every reply says `nosniff`, so no browser runs one as a script or renders it as HTML.
 */
export function engineGuard(req: IncomingMessage, res: ServerResponse, next: Next): void {
  res.setHeader('x-content-type-options', 'nosniff');
  if (!new URL(req.url ?? '/', 'http://parley').searchParams.has('j')) return next();
  // An upgrade has no response to write; Engine.IO then refuses it with its own 400.
  if (req.headers.upgrade !== undefined) return next(new Error('JSONP is not supported'));
  const error: ErrorBody = {
    code: 'invalid_payload',
    message: 'JSONP polling is not supported: use XHR polling or WebSocket',
  };
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error }));
}
