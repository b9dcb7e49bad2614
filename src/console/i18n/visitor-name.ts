import type { Conversation } from '../../protocol/schemas';
import { i18n } from './index';

/** How many trailing characters of a visitor id tell anonymous visitors apart at a glance. */
const SHORT_ID_LENGTH = 6;

/**
 * The name the visitor gave, else the email it gave, else "Visitor" and a short id; ids often
 * share a time-based prefix, so we take the end.
 */
export function visitorName(visitor: Conversation['visitor']): string {
  return (
    visitor.name ??
    visitor.email ??
    i18n.global.t('visitor.anonymous', { id: visitor.id.slice(-SHORT_ID_LENGTH) })
  );
}
