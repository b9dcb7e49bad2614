/**
 * How the launcher looks on the customer's page, from the site's widget settings. Shared by the
 * loader (which reads the settings itself on load) and the frame (which forwards live changes).
 */
import { COLOR_PATTERN } from '../protocol/settings';
import { isRecord } from '../client/is-record';

export interface LauncherLook {
  accentColor: string;
  position: 'right' | 'left';
  offsetX: number;
  offsetY: number;
  launcherLabel: string;
}

const isOffset = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 400;

/** Checked before use: the values go into CSS, so nothing but these shapes may pass. */
export function isLauncherLook(value: unknown): value is LauncherLook {
  return (
    isRecord(value) &&
    typeof value.accentColor === 'string' &&
    COLOR_PATTERN.test(value.accentColor) &&
    (value.position === 'right' || value.position === 'left') &&
    isOffset(value.offsetX) &&
    isOffset(value.offsetY) &&
    typeof value.launcherLabel === 'string'
  );
}

/** The `GET /api/v1/widget/sites/:key/config` URL of a site. */
export const widgetConfigUrl = (parleyOrigin: string, siteKey: string): string =>
  `${parleyOrigin}/api/v1/widget/sites/${encodeURIComponent(siteKey)}/config`;
