import type { Inbox } from '../../protocol/inbox-schemas';
import { requestJson } from './http';

/** The signed-in agent's inbox tabs and their colleagues' names. */
export function fetchInbox(): Promise<Inbox> {
  return requestJson('GET', '/api/v1/inbox');
}
