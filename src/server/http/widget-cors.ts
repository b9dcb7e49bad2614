import type { FastifyInstance } from 'fastify';

/**
 * Lets the loader, on the customer's page, call these widget routes with a JSON body: the
 * browser's preflight is answered, and the reply may be read by the page that asked. No cookie
 * is involved, and what the request may do is still decided by the route, which checks the
 * Origin against the site's allowlist, as for the chat frame.
 */
export function allowWidgetCors(app: FastifyInstance, paths: readonly string[]): void {
  const allowed = new Set(paths);
  for (const path of paths) {
    app.options(path, async (request, reply) => {
      const origin = request.headers.origin;
      if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'origin');
      return reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .status(204)
        .send();
    });
  }
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = request.headers.origin;
    if (origin && request.method === 'POST' && allowed.has(request.routeOptions.url ?? '')) {
      reply.header('access-control-allow-origin', origin).header('vary', 'origin');
    }
    return payload;
  });
}
