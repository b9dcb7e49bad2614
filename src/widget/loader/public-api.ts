/**
 * `window.Parley`, the host page's JavaScript API. Pages paste a stub first (README) that queues
 * calls as `[method, args]` in `Parley.q`; this replaces the stub's methods on the same object,
 * so references the page kept keep working, and replays the queue in order.
 */
import type { PublicMessage } from '../host-messages';
import type { LauncherControl, LauncherEvents } from './launcher';

export interface VisitorIdentity {
  visitorId: string;
  token: string;
}

/** The loader's visitor identity (visitor-identity.ts), as far as `identify` needs it. */
export interface IdentitySource {
  /** The identity, made first if there is none; null when it cannot be made. */
  ensure(): Promise<VisitorIdentity | null>;
  save(identity: VisitorIdentity): void;
}

/** The tracker (tracker.ts), as far as the public API calls it. */
export interface PublicTracker {
  consent(on: boolean): void;
  track(name: string, data: unknown): void;
}

export interface IdentifyOptions {
  id: string;
  name?: string;
  email?: string;
  attributes?: Record<string, string>;
  hash?: string;
}

/** What `Parley.identify` resolves to; `error` is the server's code when it refused. */
export type IdentifyResult = { verified: boolean } | { error: string };

type EventName = 'message' | 'open' | 'close' | 'unread';
type Listener = (data?: unknown) => void;

export interface ParleyApi {
  identify(options: IdentifyOptions): Promise<IdentifyResult>;
  open(): void;
  close(): void;
  setLanguage(code: string): void;
  track(name: string, data?: unknown): void;
  consent(on: boolean): void;
  on(event: EventName, fn: Listener): void;
  q?: [string, unknown[]][];
}

declare global {
  interface Window {
    Parley?: Partial<ParleyApi>;
  }
}

export interface PublicApiDeps {
  siteKey: string;
  parleyOrigin: string;
  identity: IdentitySource;
}

/**
 * Makes the API and the events the launcher reports to it. The launcher and the tracker are
 * attached after the embed check: calls before that wait for them (a consent the page's banner
 * gave before the loader finished still counts; opening a chat the site may not show does nothing).
 */
export function createPublicApi(deps: PublicApiDeps): {
  api: ParleyApi;
  events: LauncherEvents;
  attach(launcher: LauncherControl, tracker: PublicTracker): void;
  /** The language the page asked for with `setLanguage`, even before the launcher is attached. */
  language(): string | undefined;
} {
  let language: string | undefined;
  const listeners: Record<EventName, Listener[]> = { message: [], open: [], close: [], unread: [] };
  const emit = (event: EventName, data?: unknown): void =>
    listeners[event].forEach((fn) => {
      try {
        fn(data);
      } catch (error) {
        // One page listener that throws must not stop the others, nor the loader.
        console.error(error);
      }
    });
  let attached: { launcher: LauncherControl; tracker: PublicTracker } | undefined;
  const waiting: ((launcher: LauncherControl, tracker: PublicTracker) => void)[] = [];
  const whenAttached = (
    work: (launcher: LauncherControl, tracker: PublicTracker) => void,
  ): void => {
    if (attached) work(attached.launcher, attached.tracker);
    else waiting.push(work);
  };
  const withLauncher = (work: (launcher: LauncherControl) => void): void => whenAttached(work);

  const api: ParleyApi = {
    identify: (options) => identify(deps, options, () => withLauncher((l) => l.restartFrame())),
    open: () => withLauncher((l) => l.setOpen(true)),
    close: () => withLauncher((l) => l.setOpen(false)),
    setLanguage: (code) => {
      if (typeof code !== 'string' || !code) return;
      // Before the launcher exists, the embed check asks for it; after, the launcher switches.
      if (attached) attached.launcher.setLanguage(code);
      language = code;
    },
    track: (name, data) => whenAttached((_, tracker) => tracker.track(name, data)),
    consent: (on) => whenAttached((_, tracker) => tracker.consent(on === true)),
    on: (event, fn) => {
      if (typeof fn === 'function' && event in listeners) listeners[event].push(fn);
    },
  };
  const events: LauncherEvents = {
    open: () => emit('open'),
    close: () => emit('close'),
    unread: (count) => emit('unread', { count }),
    message: (message: PublicMessage) => emit('message', message),
  };
  return {
    api,
    events,
    language: () => language,
    attach: (launcher, tracker) => {
      attached = { launcher, tracker };
      waiting.splice(0).forEach((work) => work(launcher, tracker));
    },
  };
}

/** Puts the API on `window.Parley`, replaying what the page's stub queued. */
export function installPublicApi(api: ParleyApi): void {
  const target = window.Parley ?? {};
  const queued = Array.isArray(target.q) ? target.q : [];
  Object.assign(target, api, { q: undefined });
  window.Parley = target;
  for (const [method, args] of queued) {
    const fn = (api as unknown as Record<string, unknown>)[method];
    if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown)(...args);
  }
}

async function identify(
  deps: PublicApiDeps,
  options: IdentifyOptions,
  identityChanged: () => void,
): Promise<IdentifyResult> {
  const current = await deps.identity.ensure().catch(() => null);
  if (!current) return { error: 'unavailable' };
  // text/plain, as every post from the host page: no preflight; the server checks the Origin.
  const res = await fetch(`${deps.parleyOrigin}/api/v1/widget/identify`, {
    method: 'POST',
    credentials: 'omit',
    body: JSON.stringify({ siteKey: deps.siteKey, ...current, ...options }),
  }).catch(() => null);
  const reply = (await res?.json().catch(() => null)) as {
    visitorId?: string;
    token?: string | null;
    verified?: boolean;
    error?: { code: string };
  } | null;
  if (!res?.ok || !reply) return { error: reply?.error?.code ?? 'unavailable' };
  if (reply.token && reply.visitorId) {
    deps.identity.save({ visitorId: reply.visitorId, token: reply.token });
    identityChanged();
  }
  return { verified: reply.verified === true };
}
