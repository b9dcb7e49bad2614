/**
 * The visitor identity in the host page's localStorage (`parley:visitor:<siteKey>`), made from the
 * host page when there is none. A stand-in with the shape `window.Parley` needs: lane A's tracker
 * owns this identity once merged (see IdentitySource in public-api.ts).
 */
import type { IdentitySource, VisitorIdentity } from './public-api';

const isIdentity = (value: unknown): value is VisitorIdentity =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as VisitorIdentity).visitorId === 'string' &&
  typeof (value as VisitorIdentity).token === 'string';

export function hostVisitorStore(siteKey: string, parleyOrigin: string): IdentitySource {
  const key = `parley:visitor:${siteKey}`;
  let current: VisitorIdentity | null = null;
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
    if (isIdentity(stored)) current = stored;
  } catch {
    // Blocked or broken storage: a new visitor for this page.
  }
  const replace = (identity: VisitorIdentity): void => {
    current = identity;
    try {
      localStorage.setItem(key, JSON.stringify(identity));
    } catch {
      // Kept for this page only.
    }
  };
  return {
    replace,
    ensure: async () => {
      if (current) return current;
      const res = await fetch(`${parleyOrigin}/api/v1/widget/visitors`, {
        method: 'POST',
        credentials: 'omit',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ siteKey, language: navigator.language }),
      });
      const made: unknown = res.ok ? await res.json() : null;
      if (isIdentity(made)) replace(made);
      return current;
    },
  };
}
