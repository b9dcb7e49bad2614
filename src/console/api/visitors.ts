import type {
  LiveVisitorsQuery,
  LiveVisitorsReply,
  VisitorProfileChanges,
  VisitorProfileReply,
} from '../../protocol/visitor-schemas';
import { requestJson } from './http';

/** Blocks a visitor (and, with `address`, the address it last came from). */
export async function blockVisitor(visitorId: string, address: boolean): Promise<void> {
  await requestJson('POST', `/api/v1/visitors/${encodeURIComponent(visitorId)}/block`, {
    body: { address },
  });
}

/** Lifts a visitor's block and the address block it caused. */
export async function unblockVisitor(visitorId: string): Promise<void> {
  await requestJson('DELETE', `/api/v1/visitors/${encodeURIComponent(visitorId)}/block`);
}

/** Everyone on the organization's sites now (filtered), and the sites by name. */
export async function fetchLiveVisitors(filters: LiveVisitorsQuery): Promise<LiveVisitorsReply> {
  const query = new URLSearchParams(
    Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return requestJson('GET', `/api/v1/visitors/live${query ? `?${query}` : ''}`);
}

export function fetchVisitorProfile(visitorId: string): Promise<VisitorProfileReply> {
  return requestJson('GET', `/api/v1/visitors/${encodeURIComponent(visitorId)}`);
}

/** Changes the visitor's name, email or notes; the profile as it is after that. */
export function updateVisitorProfile(
  visitorId: string,
  changes: VisitorProfileChanges,
): Promise<VisitorProfileReply> {
  return requestJson('PATCH', `/api/v1/visitors/${encodeURIComponent(visitorId)}`, {
    body: changes,
  });
}

/** Invites a browsing visitor to chat: the message pops up in their widget. */
export async function sendInvitation(visitorId: string, message: string): Promise<void> {
  await requestJson('POST', `/api/v1/visitors/${encodeURIComponent(visitorId)}/invitations`, {
    body: { message },
  });
}
