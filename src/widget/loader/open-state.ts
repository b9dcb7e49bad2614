/**
 * Whether the chat was open, kept in the host page's sessionStorage so a reload (or the next page
 * of the same site in this tab) re-opens it. Storage may be blocked; the chat then just starts closed.
 */
const storageKey = (siteKey: string): string => `parley:open:${siteKey}`;

export function wasOpen(siteKey: string): boolean {
  try {
    return sessionStorage.getItem(storageKey(siteKey)) === '1';
  } catch {
    return false;
  }
}

export function rememberOpen(siteKey: string, open: boolean): void {
  try {
    if (open) sessionStorage.setItem(storageKey(siteKey), '1');
    else sessionStorage.removeItem(storageKey(siteKey));
  } catch {
    // Blocked storage only costs the re-open after a reload.
  }
}
