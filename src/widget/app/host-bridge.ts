import { isHostMessage, type FrameMessage } from '../host-messages';
import type { LauncherLook } from '../launcher-look';
import type { InvitationOffer } from '../../protocol/visitor-schemas';

interface HostBridge {
  /** The embedding page's origin, as the browser reported it on the loader's `parley:init`. */
  pageOrigin: Promise<string>;
  close(): void;
  reportUnread(count: number): void;
  reportLook(look: LauncherLook): void;
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
  let resolveOrigin: (origin: string) => void = () => undefined;
  const pageOrigin = new Promise<string>((resolve) => (resolveOrigin = resolve));

  window.addEventListener('message', (event) => {
    const message: unknown = event.data;
    if (event.source !== host || !isHostMessage(message)) return;
    if (message.type === 'parley:init') {
      if (origin !== null || message.siteKey !== siteKey) return;
      origin = event.origin;
      resolveOrigin(origin);
    } else if (event.origin !== origin) {
      return;
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
    close: () => post({ type: 'parley:close' }),
    reportUnread: (count) => post({ type: 'parley:unread', count }),
    reportLook: (look) => post({ type: 'parley:look', look }),
  };
}
