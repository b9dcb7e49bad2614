import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LiveVisitor, LiveVisitorsQuery } from '../../protocol/visitor-schemas';
import { fetchLiveVisitors } from '../api/visitors';
import { applyLiveUpdate, removeLive, sortLive, type LiveVisitors } from './live-visitor-merge';

/** A push that came while a load was on its way: a row, or null for a visitor who left. */
type Pushed = Map<string, LiveVisitor | null>;

/**
 * Who is on the organization's sites now, for the Visitors page: loaded when it opens, on each
 * filter change and each (re)connect, and kept by `visitors:update` / `visitors:left` pushes
 * while the page is open (pushes are ignored otherwise: the next open loads afresh).
 */
export const useVisitorsStore = defineStore('visitors', () => {
  const byId = ref<LiveVisitors>({});
  const sites = ref<{ id: string; name: string }[]>([]);
  const filters = ref<LiveVisitorsQuery>({});
  const watching = ref(false);
  const loaded = ref(false);
  const list = computed(() => sortLive(byId.value));
  /** The visitor whose profile is open beside a conversation, and its latest pushed row. */
  const followed = ref<{ visitorId: string; update: LiveVisitor | null } | null>(null);

  let pushedDuringLoad: Pushed | null = null;

  async function load(): Promise<void> {
    const pushed: Pushed = new Map();
    pushedDuringLoad = pushed;
    const asked = filters.value;
    const reply = await fetchLiveVisitors(asked);
    // A newer load (the filters changed meanwhile) owns the list now.
    if (pushedDuringLoad !== pushed) return;
    pushedDuringLoad = null;
    let next: LiveVisitors = Object.fromEntries(reply.visitors.map((v) => [v.visitorId, v]));
    for (const [visitorId, row] of pushed) {
      next = row ? applyLiveUpdate(next, row, asked) : removeLive(next, visitorId);
    }
    byId.value = next;
    sites.value = reply.sites;
    loaded.value = true;
  }

  function receive(update: LiveVisitor): void {
    if (followed.value?.visitorId === update.visitorId)
      followed.value = { ...followed.value, update };
    if (!watching.value) return;
    pushedDuringLoad?.set(update.visitorId, update);
    byId.value = applyLiveUpdate(byId.value, update, filters.value);
  }

  function leave(visitorId: string): void {
    if (!watching.value) return;
    pushedDuringLoad?.set(visitorId, null);
    byId.value = removeLive(byId.value, visitorId);
  }

  function setFilters(next: LiveVisitorsQuery): Promise<void> {
    filters.value = next;
    return load();
  }

  /** The page opened: pushes count from now on, and a load makes the picture whole. */
  function watch(): Promise<void> {
    watching.value = true;
    return load();
  }

  function unwatch(): void {
    watching.value = false;
    pushedDuringLoad = null;
  }

  /** Keeps the latest push about one visitor (the profile beside a conversation), or none. */
  function follow(visitorId: string | null): void {
    followed.value = visitorId === null ? null : { visitorId, update: null };
  }

  return {
    followed,
    follow,
    list,
    sites,
    filters,
    watching,
    loaded,
    load,
    receive,
    leave,
    setFilters,
    watch,
    unwatch,
  };
});
