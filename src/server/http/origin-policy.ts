/**
 * Which requests come from Parley's own pages (the console, the widget frame). Cookie-bearing
 * requests are trusted only from there: a page elsewhere — even a sibling subdomain, which gets
 * the SameSite cookie — must not ride an agent's session.
 */
import type { IncomingMessage } from 'node:http';
import { OWN_PAGE_HEADER } from '../../protocol/events';
import type { ClientResolver } from './client-address';

export interface OriginPolicy {
  /**
   * True when `origin` is exactly Parley's own: the public URL's origin, or the scheme, host and
   * port this request was sent to. Compared as the browser sends it, so `https://` for an
   * `http://` server, `ws://`, upper case, `user@host` or a path never pass.
   */
  isOwn(origin: string | undefined, request: IncomingMessage): boolean;
  /**
   * The origin a browser request came from. Browsers send no Origin on a same-origin GET — the
   * first request of the long-polling fallback. Such a request counts as coming from our own
   * origin when it says so in a way no other page can: `Sec-Fetch-Site: same-origin` (secure
   * contexts only), or our pages' own header (see OWN_PAGE_HEADER), which plain HTTP on a host
   * name needs. Otherwise the Origin header, if any.
   */
  browserOrigin(request: IncomingMessage): string | undefined;
}

export function originPolicy(publicUrl: string, client: ClientResolver): OriginPolicy {
  const publicOrigin = new URL(publicUrl).origin;
  return {
    isOwn: (origin, request) =>
      origin !== undefined && (origin === publicOrigin || origin === client.requestOrigin(request)),
    browserOrigin: (request) => {
      const { origin } = request.headers;
      if (origin !== undefined) return origin;
      const sameOrigin =
        request.headers['sec-fetch-site'] === 'same-origin' ||
        request.headers[OWN_PAGE_HEADER] !== undefined;
      return sameOrigin ? client.requestOrigin(request) : undefined;
    },
  };
}

/** `https://Shop.example:443/` → `https://shop.example`; undefined when it is not a URL. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
