import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveVisitor, LiveVisitorsReply } from '../../protocol/visitor-schemas';
import { fetchLiveVisitors } from '../api/visitors';
import { matchesFilters } from './live-visitor-merge';
import { useVisitorsStore } from './visitors';

vi.mock('../api/visitors', () => ({ fetchLiveVisitors: vi.fn() }));
const fetchMock = vi.mocked(fetchLiveVisitors);

function aVisitor(visitorId: string, overrides: Partial<LiveVisitor> = {}): LiveVisitor {
  return {
    visitorId,
    siteId: 's1',
    name: null,
    email: null,
    verified: false,
    currentUrl: 'https://shop.test/',
    currentTitle: 'Home',
    referrer: null,
    visitStartedAt: '2026-12-01T10:00:00.000Z',
    lastSeenAt: '2026-12-01T10:00:00.000Z',
    pagesThisVisit: 1,
    visitCount: 1,
    country: 'FR',
    city: null,
    device: { browser: null, os: null, device: null },
    conversationId: null,
    assigneeName: null,
    ...overrides,
  };
}

/** A load the test answers when it likes: pushes can come while it is on its way. */
function pendingLoad(): (visitors: LiveVisitor[]) => Promise<void> {
  let answer: (reply: LiveVisitorsReply) => void = () => undefined;
  fetchMock.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
  return async (visitors) => {
    answer({ visitors, sites: [{ id: 's1', name: 'Shop' }] });
    await Promise.resolve();
    await Promise.resolve();
  };
}

beforeEach(() => {
  setActivePinia(createPinia());
  fetchMock.mockReset();
});

describe('the live visitors store', () => {
  it('moves a visitor as pushes come, and drops who left', async () => {
    const store = useVisitorsStore();
    fetchMock.mockResolvedValueOnce({ visitors: [aVisitor('ana')], sites: [] });
    await store.watch();

    store.receive(aVisitor('ana', { currentUrl: 'https://shop.test/pricing', pagesThisVisit: 2 }));
    store.receive(aVisitor('bo', { visitStartedAt: '2026-12-01T10:05:00.000Z' }));
    expect(store.list.map((v) => [v.visitorId, v.currentUrl])).toEqual([
      ['bo', 'https://shop.test/'],
      ['ana', 'https://shop.test/pricing'],
    ]);

    store.leave('bo');
    expect(store.list.map((v) => v.visitorId)).toEqual(['ana']);
  });

  it('keeps the pushes that came while a load was on its way over what the load brings', async () => {
    const store = useVisitorsStore();
    const answer = pendingLoad();
    const loading = store.watch();
    store.receive(aVisitor('ana', { currentUrl: 'https://shop.test/cart' }));
    store.leave('bo');
    await answer([aVisitor('ana'), aVisitor('bo')]);
    await loading;
    expect(store.list.map((v) => [v.visitorId, v.currentUrl])).toEqual([
      ['ana', 'https://shop.test/cart'],
    ]);
  });

  it('applies the filters to pushes: a visitor who no longer matches leaves the list', async () => {
    const store = useVisitorsStore();
    fetchMock.mockResolvedValue({ visitors: [aVisitor('ana')], sites: [] });
    await store.watch();
    await store.setFilters({ chatting: 'no', page: 'SHOP.test' });

    store.receive(aVisitor('ana', { conversationId: 'c1' }));
    store.receive(aVisitor('bo', { currentUrl: 'https://elsewhere.test/' }));
    store.receive(aVisitor('cy'));
    expect(store.list.map((v) => v.visitorId)).toEqual(['cy']);
    expect(fetchMock).toHaveBeenLastCalledWith({ chatting: 'no', page: 'SHOP.test' });
  });

  it('ignores pushes while the page is closed, but for the visitor whose profile is open', () => {
    const store = useVisitorsStore();
    store.follow('bo');
    store.receive(aVisitor('ana'));
    store.receive(aVisitor('bo', { currentUrl: 'https://shop.test/cart' }));
    expect(store.list).toEqual([]);
    expect(store.followed?.update?.currentUrl).toBe('https://shop.test/cart');
    store.follow(null);
    store.receive(aVisitor('bo'));
    expect(store.followed).toBeNull();
  });

  it('matches country without regard to case, and a missing country matches no country filter', () => {
    expect(matchesFilters(aVisitor('ana'), { country: 'fr' })).toBe(true);
    expect(matchesFilters(aVisitor('ana', { country: null }), { country: 'FR' })).toBe(false);
    expect(matchesFilters(aVisitor('ana', { siteId: 's2' }), { siteId: 's1' })).toBe(false);
  });
});
