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
