/**
 * What the visitor does on the host page, sent to Parley in batched beacons before any chat:
 * page views (History API navigation of single-page apps too), time on page while visible, and
 * the page's own `Parley.track` events. No connection per visitor: a beacon per page view, one
 * every 30 s while the page is visible, and a last one when it is hidden.
 */
import type { InvitationOffer, LoaderTracking, TrackEvent } from '../../protocol/visitor-schemas';
import type { IdentityStore } from './visitor-identity';

/** What `window.Parley` calls (see the JavaScript API). */
export interface Tracker {
  consent(on: boolean): void;
  track(name: string, data?: unknown): void;
  pageView(): void;
}

const HEARTBEAT_S = 30;

export function createTracker(
  siteKey: string,
  parleyOrigin: string,
  identity: IdentityStore,
  settings: LoaderTracking = { enabled: true, requireConsent: false, honorDoNotTrack: true },
  onInvitation: (invitation: InvitationOffer) => void = () => undefined,
): Tracker {
  const consentKey = `parley:consent:${siteKey}`;
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  // Do-Not-Track and Global Privacy Control: when honoured, this browser is never tracked.
  const refused =
    !settings.enabled ||
    (settings.honorDoNotTrack && (nav.doNotTrack === '1' || nav.globalPrivacyControl === true));
  let consented = !settings.requireConsent || read(consentKey) === '1';
  let stopped = false;
  let queue: TrackEvent[] = [];
  let url = '';
  let visibleMs = 0;
  let visibleSince = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let renewed = false;

  const active = (): boolean => !refused && consented && !stopped;
  const visibleNow = (): number => visibleMs + (visibleSince ? Date.now() - visibleSince : 0);
  const seconds = (): number => Math.floor(visibleNow() / 1000);

  const send = async (final = false): Promise<void> => {
    if (!active() || queue.length === 0) return;
    const who = await identity.ensure();
    if (!who) return;
    const events = queue.splice(0, 50);
    const body = JSON.stringify({
      siteKey,
      ...who,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      language: navigator.language,
      events,
    });
    const endpoint = `${parleyOrigin}/api/v1/widget/track`;
    // A page going away cancels fetches; a beacon outlives it (text/plain: no preflight).
    if (final && navigator.sendBeacon?.(endpoint, body)) return;
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        body,
        keepalive: true,
        credentials: 'omit',
      });
      const reply = (await res.json()) as {
        invitation?: InvitationOffer;
        error?: { code: string };
      };
      if (reply.invitation) onInvitation(reply.invitation);
      const code = reply.error?.code;
      if (code === 'unauthorized' && !renewed) {
        // The server forgot this visitor: start over as a new one, once.
        renewed = true;
        identity.forget();
        queue.unshift(...events);
        void send();
      } else if (code === 'bot_dropped' || code === 'forbidden_origin' || code === 'forbidden') {
        stopped = true;
      }
    } catch {
      // Lost beacons are lost: tracking is best effort, the chat never waits on it.
    }
    if (queue.length > 0) void send();
  };

  const push = (event: TrackEvent, final = false): void => {
    if (!active()) return;
    queue.push(event);
    // Several in one task (a page view and its time) go in one beacon.
    queueMicrotask(() => void send(final));
  };

  const reportTime = (final = false): void => {
    if (url) push({ type: 'time', url, seconds: seconds(), at: Date.now() }, final);
  };

  /** The first second after `s` to report at: a heartbeat, or one an invitation rule asks for. */
  const nextReport = (s: number): number =>
    Math.min(
      (Math.floor(s / HEARTBEAT_S) + 1) * HEARTBEAT_S,
      ...(settings.trackAt ?? []).filter((at) => at > s),
    );

  // One timeout for the next second that matters, only while tracked and visible: no tick on
  // every page of every site for nothing.
  const schedule = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (!active() || !visibleSince) return;
    const due = nextReport(seconds());
    timer = setTimeout(
      () => {
        if (seconds() >= due) reportTime();
        schedule();
      },
      due * 1000 - visibleNow(),
    );
  };

  const visibility = (): void => {
    if (document.visibilityState === 'visible') {
      visibleSince ||= Date.now();
    } else if (visibleSince) {
      visibleMs += Date.now() - visibleSince;
      visibleSince = 0;
      reportTime(true);
    }
    schedule();
  };

  const pageView = (spa = false): void => {
    const next = location.href;
    if (spa && next.split('#')[0] === url.split('#')[0]) return;
    if (url) reportTime();
    const referrer = spa ? url : document.referrer;
    url = next;
    visibleMs = 0;
    visibleSince = document.visibilityState === 'visible' ? Date.now() : 0;
    push({ type: 'page', url, title: document.title, referrer, spa, at: Date.now() });
    schedule();
  };

  // Single-page apps move with the History API; the title is set after, so look a task later.
  const navigated = (): void => void setTimeout(() => pageView(true));
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      navigated();
    };
  }
  addEventListener('popstate', navigated);
  document.addEventListener('visibilitychange', visibility);
  // Browsers that hide the page without a visibilitychange first: the time is reported here,
  // once; otherwise the hidden page already reported it.
  addEventListener('pagehide', () => {
    if (!visibleSince) return;
    visibleMs += Date.now() - visibleSince;
    visibleSince = 0;
    reportTime(true);
    schedule();
  });
  pageView();
  return {
    consent: (on) => {
      consented = on || !settings.requireConsent;
      write(consentKey, on);
      if (on && url) {
        // What happened before consent was never kept; this page counts from now.
        url = '';
        pageView();
      }
      if (!consented) {
        queue = [];
        schedule();
      }
    },
    track: (name, data) => push({ type: 'custom', name, data, at: Date.now() }),
    pageView: () => pageView(true),
  };
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, on: boolean): void {
  try {
    if (on) localStorage.setItem(key, '1');
    else localStorage.removeItem(key);
  } catch {
    // Blocked storage: consent lasts for this page only.
  }
}
