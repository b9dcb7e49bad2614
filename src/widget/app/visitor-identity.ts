import type { CreateVisitorReply } from '../../protocol/schemas';
import { isRecord } from '../../client/is-record';
import { readJson, type KeyValueStorage } from '../../client/storage';

/** The anonymous visitor's credential for one site, kept in the frame's localStorage. */
export type VisitorIdentity = CreateVisitorReply;

const storageKey = (siteKey: string): string => `parley:visitor:${siteKey}`;

export function loadIdentity(storage: KeyValueStorage, siteKey: string): VisitorIdentity | null {
  const stored = readJson(storage, storageKey(siteKey));
  return isVisitorIdentity(stored) ? stored : null;
}

export function saveIdentity(
  storage: KeyValueStorage,
  siteKey: string,
  identity: VisitorIdentity,
): void {
  storage.setItem(storageKey(siteKey), JSON.stringify(identity));
}

export function forgetIdentity(storage: KeyValueStorage, siteKey: string): void {
  storage.removeItem(storageKey(siteKey));
}

export function isVisitorIdentity(value: unknown): value is VisitorIdentity {
  return (
    isRecord(value) &&
    typeof value.visitorId === 'string' &&
    typeof value.token === 'string' &&
    value.token.length > 0
  );
}

/**
 * The frame's storage, telling the loader of every identity the frame saves (a new visitor, or
 * one replacing a token the server forgot): the loader keeps the one the next page hands over.
 */
export function reportingIdentity(
  storage: KeyValueStorage,
  siteKey: string,
  report: (identity: VisitorIdentity) => void,
): KeyValueStorage {
  const key = storageKey(siteKey);
  return {
    getItem: (name) => storage.getItem(name),
    removeItem: (name) => storage.removeItem(name),
    setItem: (name, value) => {
      storage.setItem(name, value);
      const identity = name === key ? loadIdentity(storage, siteKey) : null;
      if (identity) report({ visitorId: identity.visitorId, token: identity.token });
    },
  };
}
