import type { WidgetConfig } from '../../protocol/embedding';
import { setLauncherTexts, t } from '../i18n/launcher';

/**
 * Asks Parley whether this page may embed the site's widget, before anything is drawn: a page
 * that may not would only get a frame the browser refuses to show. When not, says why, once, in
 * the page's console for whoever installs the snippet. When Parley cannot be asked, goes ahead
 * with the launcher's defaults: the frame then explains what it can. The answer carries the
 * site's widget settings, so this is the loader's only request. `preferred`: the languages the
 * widget may speak, best first; the answer says which one it speaks, with the launcher's strings
 * in it, which the launcher takes at once.
 */
export async function embedCheck(
  siteKey: string,
  parleyOrigin: string,
  preferred: readonly string[],
): Promise<WidgetConfig> {
  let answer: WidgetConfig;
  try {
    const res = await fetch(
      `${parleyOrigin}/api/v1/widget/config?site=${encodeURIComponent(siteKey)}&lang=${encodeURIComponent(preferred.slice(0, 10).join(','))}`,
      { credentials: 'omit' },
    );
    if (!res.ok) return { allowed: true };
    answer = (await res.json()) as WidgetConfig;
  } catch {
    return { allowed: true };
  }
  setLauncherTexts(answer.launcher);
  if (!answer.allowed) {
    console.warn(
      answer.code === 'unknown_site'
        ? t('unknownSite', { key: siteKey })
        : t('originNotAllowed', { origin: location.origin }),
    );
  }
  return answer;
}
