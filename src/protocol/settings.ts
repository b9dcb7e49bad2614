/**
 * Settings (sites, team, organization): plain rules shared by server and console, without zod, so
 * the console can say what is wrong before sending and the server refuses the same things.
 */

import type { RoutingSettings } from './routing-schemas';

/** An allowed origin, exactly `scheme://host[:port]`: http or https, no path, wildcard or user. */
const ORIGIN_PATTERN =
  /^(https?):\/\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?\/?$/i;

/**
 * `https://Shop.example:443` → `https://shop.example`, as browsers send it in `Origin`; undefined
 * for anything else (a path, a query, `*`, `user@`, another scheme, a port past 65535). One
 * trailing `/` is taken, since that is how browsers show a bare origin in the address bar.
 */
export function parseAllowedOrigin(value: string): string | undefined {
  const match = ORIGIN_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, scheme, host, port] = match as unknown as [string, string, string, string | undefined];
  const portNumber = port === undefined ? undefined : Number(port);
  if (portNumber !== undefined && (portNumber < 1 || portNumber > 65_535)) return undefined;
  const defaultPort = scheme.toLowerCase() === 'https' ? 443 : 80;
  const shownPort = portNumber === undefined || portNumber === defaultPort ? '' : `:${portNumber}`;
  return `${scheme.toLowerCase()}://${host.toLowerCase()}${shownPort}`;
}

/** Most origins one site may allow. */
export const MAX_ALLOWED_ORIGINS = 50;

/** `#rrggbb`: the one colour form the widget takes. */
export const COLOR_PATTERN = /^#[0-9a-f]{6}$/i;

/**
 * The WCAG 2 contrast ratio between a `#rrggbb` colour and white, from 1 to 21. White text on the
 * accent colour (the launcher, the visitor's bubbles) needs 4.5 for AA.
 */
export function contrastWithWhite(color: string): number {
  const channel = (i: number) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.039_28 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

/** The contrast AA asks of normal text. */
export const WCAG_AA_CONTRAST = 4.5;

/** How an invitation link lasts before it expires. */
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * The bounds of the routing settings' numbers: the schema refuses what is outside, and the
 * console's form offers the same range.
 */
export const ROUTING_LIMITS = {
  transferTimeoutSeconds: { min: 10, max: 3_600 },
  awayAfterMinutes: { min: 1, max: 1_440 },
  /** 0: never. */
  autoResolveHours: { min: 0, max: 8_760 },
} as const satisfies Record<string, { min: number; max: number }>;

/** An organization's routing settings until an admin changes them. */
export const ROUTING_DEFAULTS: RoutingSettings = {
  autoAcceptTransfers: false,
  transferTimeoutSeconds: 120,
  awayAfterMinutes: 10,
  autoResolveHours: 24,
  agentsSeeAll: false,
};
