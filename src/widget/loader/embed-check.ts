import type { WidgetConfig } from '../../protocol/embedding';
import { t } from '../i18n/launcher';

/** Set once this tab was told yes: the next pages of the shop need not ask again. */
const allowedKey = (siteKey: string): string => `parley:allowed:${siteKey}`;

/**
 * Asks Parley whether this page may embed the site's widget, before anything is drawn: a page
 * that may not would only get a frame the browser refuses to show. When not, says why, once, in
 * the page's console for whoever installs the snippet. When Parley cannot be asked, goes ahead:
 * the frame then explains what it can.
 */
export async function mayEmbed(siteKey: string, parleyOrigin: string): Promise<boolean> {
  try {
    if (sessionStorage.getItem(allowedKey(siteKey))) return true;
  } catch {
    // Blocked storage only costs asking on every page.
  }
  let answer: WidgetConfig;
  try {
    const res = await fetch(
      `${parleyOrigin}/api/v1/widget/config?site=${encodeURIComponent(siteKey)}`,
      { credentials: 'omit' },
    );
    if (!res.ok) return true;
    answer = (await res.json()) as WidgetConfig;
  } catch {
    return true;
  }
  if (answer.allowed) {
    try {
      sessionStorage.setItem(allowedKey(siteKey), '1');
    } catch {
      // See above.
    }
    return true;
  }
  console.warn(
    answer.code === 'unknown_site'
      ? t('unknownSite', { key: siteKey })
      : t('originNotAllowed', { origin: location.origin }),
  );
  return false;
}
