import { AppError } from '../../errors';
import { trackBody, trackReply } from '../../../protocol/visitor-schemas';
import type { OriginPolicy } from '../../http/origin-policy';
import type { ClientResolver } from '../../http/client-address';
import { refusals, type TypedApp } from '../../http/typed-routes';
import type { TrackingService } from './tracking.service';

export interface TrackingRouteDeps {
  tracking: TrackingService;
  origins: OriginPolicy;
  client: ClientResolver;
  beaconsPerAddressPerMinute: number;
}

/** Routes the loader calls from the host page, cross-origin and without credentials. */
const FROM_HOST_PAGE = new Set(['/api/v1/widget/track', '/api/v1/widget/visitors']);

export function trackingRoutes(app: TypedApp, deps: TrackingRouteDeps): void {
  const { tracking, origins, client } = deps;
  acceptPlainTextJson(app);

  app.post(
    '/api/v1/widget/track',
    {
      schema: {
        tags: ['widget'],
        summary: "The loader's batched beacon: page views, time on page, custom events",
        description:
          'Sent as text/plain (no CORS preflight), so the token is in the body. Events beyond ' +
          'the caps are counted in the visit and not stored. Bots are refused with `bot_dropped`.',
        body: trackBody,
        response: { 200: trackReply, ...refusals },
      },
      // Per address, so an office behind one NAT still fits; each visitor has its own cap too.
      config: { rateLimit: { max: deps.beaconsPerAddressPerMinute, timeWindow: '1 minute' } },
    },
    async (request) => {
      const origin = request.headers.origin;
      return tracking.track(request.body, {
        origin,
        fromOwnFrame: origins.isOwn(origin, request.raw),
        address: client.address(request.raw),
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
    },
  );
}

/**
 * The loader posts JSON as text/plain, which browsers send cross-origin without a preflight, and
 * reads the reply: these routes say any page may (no credentials ride on them; the server checks
 * the page's Origin against the site's allowlist itself). Other routes keep text/plain as a string,
 * which their schemas refuse: a form on another site cannot reach an agent route this way.
 */
function acceptPlainTextJson(app: TypedApp): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (request, body, done) => {
    if (!FROM_HOST_PAGE.has(request.url.split('?')[0]!)) {
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
    if (origin && FROM_HOST_PAGE.has(request.url.split('?')[0]!)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }
  });
}
