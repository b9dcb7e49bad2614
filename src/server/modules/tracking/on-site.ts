/**
 * A visitor is on the site while its visit was seen this recently: the loader beats every 30 s,
 * so two missed beats and some slack. Past it, a beacon starts a new visit, the sweep ends the
 * old one, and neither the live view nor invitations count the visitor as there.
 */
export const ON_SITE_MS = 75_000;

/** The oldest `last_seen_at` of a visit still on the site at `now` (ms since the epoch). */
export function onSiteSince(now: number): string {
  return new Date(now - ON_SITE_MS).toISOString();
}
