import { failureCodeOf } from '../api/request-error';
import { i18n } from './index';

/** A sentence for people about why a request failed, from its stable code. */
export function failureMessage(error: unknown): string {
  return i18n.global.t(`errors.${failureCodeOf(error)}`);
}
