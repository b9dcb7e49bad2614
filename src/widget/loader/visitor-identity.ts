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
  /**
   * The identity was made by this loader and no chat frame has answered for it yet. A frame that
   * kept its own identity from before the loader owned it (older releases) then keeps that one,
   * with its conversation, and hands it back.
   */
  fresh(): boolean;
  /** An identity the frame or `Parley.identify` settled on: no longer fresh. */
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
  const stored = (): (Identity & { fresh?: boolean }) | null => {
    try {
      const value: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
      return isIdentity(value) ? value : null;
    } catch {
      return null;
    }
  };
  const current = (): Identity | null => {
    const identity = stored();
    return identity && { visitorId: identity.visitorId, token: identity.token };
  };
  const store = (identity: Identity, fresh: boolean): void => {
    try {
      const { visitorId, token } = identity;
      localStorage.setItem(
        key,
        JSON.stringify(fresh ? { visitorId, token, fresh } : { visitorId, token }),
      );
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
      // The frame may have handed one back meanwhile: that one wins, it may have a conversation.
      const settled = current();
      if (settled) return settled;
      store(made, true);
      return current() ?? { visitorId: made.visitorId, token: made.token };
    } catch {
      return null;
    } finally {
      making = null;
    }
  };
  return {
    current,
    fresh: () => stored()?.fresh === true,
    save: (identity) => store(identity, false),
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
