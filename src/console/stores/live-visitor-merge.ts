import type { LiveVisitor, LiveVisitorsQuery } from '../../protocol/visitor-schemas';

/** Live visitors by id: what the Visitors page shows. */
export type LiveVisitors = Record<string, LiveVisitor>;

/** The server's filters, asked again of each pushed row (`GET /visitors/live` does the same). */
export function matchesFilters(visitor: LiveVisitor, filters: LiveVisitorsQuery): boolean {
  if (filters.siteId && visitor.siteId !== filters.siteId) return false;
  if (filters.country && (visitor.country ?? '').toUpperCase() !== filters.country.toUpperCase()) {
    return false;
  }
  if (
    filters.page &&
    !(visitor.currentUrl ?? '').toLowerCase().includes(filters.page.toLowerCase())
  ) {
    return false;
  }
  if (filters.chatting) return (visitor.conversationId !== null) === (filters.chatting === 'yes');
  return true;
}

/**
 * A `visitors:update` push: the row replaces the one held, or joins; a visitor who no longer
 * matches the filters (moved to another page, started chatting) leaves the list.
 */
export function applyLiveUpdate(
  visitors: LiveVisitors,
  update: LiveVisitor,
  filters: LiveVisitorsQuery,
): LiveVisitors {
  if (matchesFilters(update, filters)) return { ...visitors, [update.visitorId]: update };
  return removeLive(visitors, update.visitorId);
}

export function removeLive(visitors: LiveVisitors, visitorId: string): LiveVisitors {
  if (!(visitorId in visitors)) return visitors;
  const { [visitorId]: _left, ...rest } = visitors;
  return rest;
}

/** The latest arrived first, so rows stay put as visitors move from page to page. */
export function sortLive(visitors: LiveVisitors): LiveVisitor[] {
  return Object.values(visitors).sort(
    (a, b) =>
      b.visitStartedAt.localeCompare(a.visitStartedAt) || a.visitorId.localeCompare(b.visitorId),
  );
}
