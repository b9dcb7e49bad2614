/**
 * The visitor's identity, owned by the loader in the host page's localStorage: first-party
 * storage survives the partitioning browsers apply to the chat frame's. The frame gets it in
 * `parley:init` and hands back any identity it had to make.
 */
export interface Identity {
  visitorId: string;
  token: string;
}

export interface IdentityStore {
  current(): Identity | null;
  save(identity: Identity): void;
  forget(): void;
  /** The identity, made with the server first when there is none; null when it cannot be made. */
  ensure(): Promise<Identity | null>;
}

export const isIdentity = (value: unknown): value is Identity =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Identity).visitorId === 'string' &&
  typeof (value as Identity).token === 'string' &&
  (value as Identity).token !== '';

export function identityStore(siteKey: string, parleyOrigin: string): IdentityStore {
  const key = `parley:visitor:${siteKey}`;
  let making: Promise<Identity | null> | null = null;
  const current = (): Identity | null => {
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
      return isIdentity(stored) ? stored : null;
    } catch {
      return null;
    }
  };
  const save = (identity: Identity): void => {
    try {
      localStorage.setItem(key, JSON.stringify(identity));
    } catch {
      // Blocked storage: this page view still tracks; the next one is a new visitor.
    }
  };
  const create = async (): Promise<Identity | null> => {
    try {
      // text/plain: a simple request, no preflight; the server checks this page's Origin.
      const res = await fetch(`${parleyOrigin}/api/v1/widget/visitors`, {
        method: 'POST',
        credentials: 'omit',
        body: JSON.stringify({ siteKey, language: navigator.language }),
      });
      const made: unknown = res.ok ? await res.json() : null;
      if (!isIdentity(made)) return null;
      save({ visitorId: made.visitorId, token: made.token });
      return current() ?? made;
    } catch {
      return null;
    } finally {
      making = null;
    }
  };
  return {
    current,
    save,
    forget: () => {
      try {
        localStorage.removeItem(key);
      } catch {
        // Nothing stored then either.
      }
    },
    ensure: () => Promise.resolve(current() ?? (making ??= create())),
  };
}
