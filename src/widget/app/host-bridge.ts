import {
  isHostMessage,
  type FrameMessage,
  type HandedIdentity,
  type PublicMessage,
} from '../host-messages';
import type { LauncherLook } from '../launcher-look';
import type { InvitationOffer } from '../../protocol/visitor-schemas';

interface HostBridge {
  /** The embedding page's origin, as the browser reported it on the loader's `parley:init`. */
  pageOrigin: Promise<string>;
  /** The visitor the loader keeps for this site, as `parley:init` handed it; null if none. */
  handedIdentity(): HandedIdentity | null;
  /** The loader made the handed identity just now, with no frame having answered for it yet. */
  handedIsFresh(): boolean;
  reportIdentity(identity: HandedIdentity): void;
  close(): void;
  reportUnread(count: number): void;
  reportLook(look: LauncherLook): void;
  reportMessage(message: PublicMessage): void;
  /** The language the host page chose with `Parley.setLanguage`; null until it does. */
  language(): string | null;
}

/**
 * The frame's end of the postMessage protocol in host-messages.ts. Only messages from the
 * parent window count, and after `parley:init` only those from the origin that sent it.
 */
export function connectToHost(
  siteKey: string,
  onVisibility: (open: boolean, focus: boolean) => void,
  onInvitation: (invitation: InvitationOffer) => void,
): HostBridge {
  const host = window.parent;
  let origin: string | null = null;
  let handed: HandedIdentity | null = null;
  let handedIsFresh = false;
  let language: string | null = null;
  let resolveOrigin: (origin: string) => void = () => undefined;
  const pageOrigin = new Promise<string>((resolve) => (resolveOrigin = resolve));

  window.addEventListener('message', (event) => {
    const message: unknown = event.data;
    if (event.source !== host || !isHostMessage(message)) return;
    if (message.type === 'parley:init') {
      if (origin !== null || message.siteKey !== siteKey) return;
      origin = event.origin;
      handed = message.identity ?? null;
      handedIsFresh = message.fresh === true;
      language = message.language ?? null;
      resolveOrigin(origin);
    } else if (event.origin !== origin) {
      return;
    } else if (message.type === 'parley:language') {
      language = message.language;
    } else if (message.type === 'parley:invitation') {
      onInvitation(message.invitation);
    } else {
      onVisibility(message.open, message.focus === true);
    }
  });

  // Until the page said who it is, '*' is the only possible target; nothing secret is in these.
  const post = (message: FrameMessage): void => host.postMessage(message, origin ?? '*');
  post({ type: 'parley:ready' });

  return {
    pageOrigin,
    handedIdentity: () => handed,
    handedIsFresh: () => handedIsFresh,
    reportIdentity: (identity) => post({ type: 'parley:identity', identity }),
    close: () => post({ type: 'parley:close' }),
    reportUnread: (count) => post({ type: 'parley:unread', count }),
    reportLook: (look) => post({ type: 'parley:look', look }),
    reportMessage: (message) => post({ type: 'parley:message', message }),
    language: () => language,
  };
}
