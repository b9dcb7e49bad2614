/** Origin header helpers. A malformed Origin (including the literal `null`) is never "ours". */

/** True when `origin` names the same host (and port) the request was sent to. */
export function isSameHost(origin: string, host: string | undefined): boolean {
  const url = parseUrl(origin);
  return url !== undefined && host !== undefined && url.host === host.toLowerCase();
}

/** `https://Shop.example:443/` → `https://shop.example`; undefined when it is not a URL. */
export function normalizeOrigin(value: string): string | undefined {
  return parseUrl(value)?.origin;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
