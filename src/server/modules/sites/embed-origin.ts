import { AppError } from '../../errors';
import { isSameHost, normalizeOrigin } from '../../origin';
import type { Site } from './sites.repository';

/**
 * Decides whether a visitor request may act for a site. Browsers set `Origin` and pages cannot
 * forge it. A request from our own widget frame carries our own origin; the frame then names the
 * embedding page's origin, which it learnt from the browser-set `event.origin` of the loader's
 * postMessage, and that page origin must be on the site's allowlist. Any other caller's own
 * origin must be on the allowlist. Without an Origin header there is nothing to check: refused.
 */
export function checkEmbedOrigin(
  site: Site,
  origin: string | undefined,
  host: string | undefined,
  pageOrigin: string | undefined,
): void {
  if (!origin) throw forbidden('the Origin header is missing');
  const claimed = isSameHost(origin, host) ? pageOrigin : origin;
  const normalized = claimed && normalizeOrigin(claimed);
  if (!normalized || !site.allowedOrigins.includes(normalized)) {
    throw forbidden(`${claimed ?? 'an unknown page'} may not embed this site's widget`);
  }
}

const forbidden = (why: string) => new AppError('forbidden_origin', `Origin not allowed: ${why}`);
