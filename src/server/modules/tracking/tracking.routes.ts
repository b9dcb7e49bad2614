import { trackBody, trackReply } from '../../../protocol/visitor-schemas';
import { FROM_HOST_PAGE } from '../../http/host-page-json';
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

export function trackingRoutes(app: TypedApp, deps: TrackingRouteDeps): void {
  const { tracking, origins, client } = deps;
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
      config: {
        ...FROM_HOST_PAGE,
        rateLimit: { max: deps.beaconsPerAddressPerMinute, timeWindow: '1 minute' },
      },
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
