import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The loader calls this route from the customer's page, cross-origin and without
     * credentials: see `acceptHostPageJson`.
     */
    fromHostPage?: boolean;
  }
}

/** Spread into a route's `config` to mark it as one the loader calls from the host page. */
export const FROM_HOST_PAGE = { fromHostPage: true } as const;

const fromHostPage = (request: FastifyRequest): boolean =>
  request.routeOptions.config?.fromHostPage === true;

/**
 * The one way the loader posts from the host page: JSON sent as text/plain, which browsers send
 * cross-origin without a preflight (so the token rides in the body, never in a header), and whose
 * reply the calling page may read. No cookie rides on these routes, and each still checks the
 * Origin against the site's allowlist itself, as for the chat frame. Other routes keep text/plain
 * as a string, which their schemas refuse: a form on another site cannot post JSON to an agent
 * route this way. Installed once, before the modules register their routes.
 */
export function acceptHostPageJson(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (request, body, done) => {
    if (!fromHostPage(request)) {
      done(null, body);
      return;
    }
    try {
      done(null, JSON.parse(body as string) as unknown);
    } catch {
      done(new AppError('invalid_payload', 'The body is not JSON'), undefined);
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    // Refusals too: the loader reads their code (forbidden_origin stops it for good).
    if (origin && fromHostPage(request)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }
  });
}
