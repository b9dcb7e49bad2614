import { io, type Socket } from 'socket.io-client';
import { followNetworkStatus, reconnectNow } from '../../client/network-status';
import {
  OWN_PAGE_HEADER,
  type VisitorClientEvents,
  type VisitorServerEvents,
} from '../../protocol/events';
import type { VisitorHandshake } from '../../protocol/schemas';
import { retryDelay } from '../../client/retry-delay';
import type { KeyValueStorage } from '../../client/storage';
import { createVisitor, isErrorBody, VisitorApiError } from './visitor-api';
import {
  forgetIdentity,
  loadIdentity,
  saveIdentity,
  type VisitorIdentity,
} from './visitor-identity';

export type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;

/** `connecting` before the first connect, `unavailable` when the server refuses this page for good. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'unavailable';

export interface ConnectionListener {
  status(status: ConnectionStatus): void;
  /** Fired on every (re)connect, after `status('connected')`. */
  connected(): void;
  /** The visitor got a new identity: the old one's conversation is not theirs any more. */
  identityReplaced(): void;
}

interface ConnectionOptions {
  siteKey: string;
  pageOrigin: string;
  storage: KeyValueStorage;
  /**
   * The identity to go on with, instead of making one, if the server refuses the stored one
   * before it ever connected: the loader's, when the frame tried its own older one first.
   */
  fallback?: VisitorIdentity;
}

/** Namespace of VISITOR_NAMESPACE in protocol/events.ts, which the widget may only import types from. */
const VISITOR_NAMESPACE = '/visitor';

/**
 * The visitor's socket, and the work around it: get a token when there is none (also when site
 * data was cleared while the page stayed open), a new one when the server no longer knows it,
 * and retry what socket.io does not retry by itself (a handshake the server refused, or a
 * disconnect the server initiated).
 */
export function connectVisitor(
  { siteKey, pageOrigin, storage, fallback: givenFallback }: ConnectionOptions,
  listener: ConnectionListener,
): VisitorSocket {
  let everConnected = false;
  let renewedToken = false;
  let attempt = 0;
  let tokenInUse: string | null = null;
  let fallback = givenFallback ?? null;

  const socket: VisitorSocket = io(`${location.origin}${VISITOR_NAMESPACE}`, {
    autoConnect: false,
    // Read at every handshake: another tab of this site may have renewed the token meanwhile.
    // With none (site data cleared since), the server refuses the empty token: see connect_error.
    auth: (send) => {
      tokenInUse = loadIdentity(storage, siteKey)?.token ?? null;
      send({
        siteKey,
        token: tokenInUse ?? '',
        pageOrigin,
        language: browserLanguage(),
      } satisfies VisitorHandshake);
    },
    transports: ['websocket', 'polling'],
    // Without this, socket.io never falls back to polling when a proxy blocks WebSockets.
    tryAllTransports: true,
    // Polling requests carry no Origin: this says they come from our own page (origin-policy.ts).
    extraHeaders: { [OWN_PAGE_HEADER]: '1' },
  });

  const setWaiting = (): void => listener.status(everConnected ? 'reconnecting' : 'connecting');

  let pendingRetry: { timer: ReturnType<typeof setTimeout>; action: () => void } | null = null;

  const retryLater = (action: () => void): void => {
    setWaiting();
    clearTimeout(pendingRetry?.timer);
    const timer = setTimeout(() => {
      pendingRetry = null;
      action();
    }, retryDelay(attempt++));
    pendingRetry = { timer, action };
  };

  /** Runs the retry that waits for its delay now; false when none waits. */
  const retryNow = (): boolean => {
    if (!pendingRetry) return false;
    clearTimeout(pendingRetry.timer);
    const { action } = pendingRetry;
    pendingRetry = null;
    action();
    return true;
  };

  /** The token was refused or missing: go on as a new visitor, as on a first visit. */
  const renewIdentity = (): void => {
    // Another tab may already have replaced the token this handshake used; else drop it.
    if (loadIdentity(storage, siteKey)?.token === tokenInUse) forgetIdentity(storage, siteKey);
    listener.identityReplaced();
    // Once per connection at once; a new token refused too is not mended by another one at once.
    if (renewedToken) {
      retryLater(() => void connectWithIdentity());
    } else {
      renewedToken = true;
      void connectWithIdentity();
    }
  };

  const connectWithIdentity = async (): Promise<void> => {
    if (!loadIdentity(storage, siteKey) && fallback) {
      saveIdentity(storage, siteKey, fallback);
      fallback = null;
    } else if (!loadIdentity(storage, siteKey)) {
      try {
        const language = browserLanguage();
        saveIdentity(storage, siteKey, await createVisitor({ siteKey, pageOrigin, language }));
      } catch (error) {
        if (error instanceof VisitorApiError && !error.transient) {
          listener.status('unavailable');
          return;
        }
        retryLater(() => void connectWithIdentity());
        return;
      }
    }
    socket.connect();
  };

  socket.on('connect', () => {
    everConnected = true;
    // The stored identity holds: the fallback is not this visitor's any more.
    fallback = null;
    renewedToken = false;
    attempt = 0;
    listener.status('connected');
    listener.connected();
  });

  socket.on('disconnect', (reason) => {
    // A server-side disconnect is final for socket.io; anything else it retries by itself.
    if (reason === 'io server disconnect') retryLater(() => socket.connect());
    else setWaiting();
  });

  socket.on('connect_error', (error) => {
    if (socket.active) {
      setWaiting(); // a transport failure, which socket.io retries by itself
      return;
    }
    const refusal = 'data' in error && isErrorBody(error.data) ? error.data : null;
    // Not this page's chat, or agents blocked this visitor: trying again cannot change that.
    if (refusal?.code === 'forbidden_origin' || refusal?.code === 'forbidden') {
      listener.status('unavailable');
    } else if (
      refusal?.code === 'unauthorized' ||
      // An empty token is refused as unauthorized, or by older servers as a malformed handshake.
      (refusal?.code === 'invalid_payload' && !tokenInUse)
    ) {
      renewIdentity();
    } else {
      retryLater(() => socket.connect());
    }
  });

  followNetworkStatus(socket, () => {
    // Socket.IO's own reconnection only runs while the socket is active; ours is a pending retry.
    if (!retryNow() && socket.active) reconnectNow(socket);
  });

  void connectWithIdentity();
  return socket;
}

/** What the browser says the visitor reads (routing prefers agents who speak it); none outside one. */
function browserLanguage(): string | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.language;
}
