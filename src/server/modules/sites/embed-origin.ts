import { AppError } from '../../errors';
import { normalizeOrigin } from '../../http/origin-policy';
import type { Site } from './sites.repository';

/** Where a visitor request comes from, as the transport saw it. */
export interface EmbedContext {
  /** The request's browser origin (see OriginPolicy.browserOrigin); undefined when unknown. */
  origin: string | undefined;
  /** True when that origin is Parley's own: the request comes from our widget frame. */
  fromOwnFrame: boolean;
  /** The embedding page's origin, as the widget frame reports it. */
  pageOrigin: string | undefined;
}

/**
 * Decides whether a visitor request may act for a site. Browsers set `Origin` and pages cannot
 * forge it. A request from our own widget frame carries our own origin; the frame then names the
 * embedding page's origin, which it learnt from the browser-set `event.origin` of the loader's
 * postMessage, and that page origin must be on the site's allowlist. Any other caller's own
 * origin must be on the allowlist. Without an origin there is nothing to check: refused.
 */
export function checkEmbedOrigin(
  site: Site,
  { origin, fromOwnFrame, pageOrigin }: EmbedContext,
): void {
  if (!origin) throw forbidden('the Origin header is missing');
  // Our own pages that are not the widget frame (the /demo page) name no page origin: their own counts.
  const claimed = fromOwnFrame ? (pageOrigin ?? origin) : origin;
  const normalized = claimed && normalizeOrigin(claimed);
  if (!normalized || !site.allowedOrigins.includes(normalized)) {
    throw forbidden(`${claimed ?? 'an unknown page'} may not embed this site's widget`);
  }
}

const forbidden = (why: string) => new AppError('forbidden_origin', `Origin not allowed: ${why}`);
