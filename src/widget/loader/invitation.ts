import type { InvitationOffer } from '../../protocol/visitor-schemas';
import { t } from '../i18n/launcher';

export interface InvitationHandlers {
  /** After the chat opened with the invitation in it. */
  onReply?: () => void;
  /** After the card went away: tell Parley with `dismissInvitation`. */
  onDismiss?: () => void;
}

/** Where the launcher puts cards (its styles are in launcher.css), and how "Reply" opens the chat. */
export interface InvitationHost {
  root: ShadowRoot;
  reply(offer: InvitationOffer): void;
}

let host: InvitationHost | undefined;
let waiting: [InvitationOffer, InvitationHandlers] | undefined;
let card: HTMLElement | undefined;

/** The launcher, once drawn: an invitation that came before it shows now. */
export function hostInvitations(next: InvitationHost): void {
  host = next;
  if (waiting) showInvitation(...waiting);
}

/**
 * Shows an invitation above the launcher: who writes, the message (as text, never markup), and
 * "Reply" and "Dismiss". It does not take the keyboard from the page. A newer one replaces it.
 */
export function showInvitation(offer: InvitationOffer, handlers: InvitationHandlers = {}): void {
  if (!host) {
    waiting = [offer, handlers];
    return;
  }
  waiting = undefined;
  card?.remove();
  const { root, reply } = host;
  const from = offer.agentName
    ? t('invitationFrom', { name: offer.agentName })
    : t('invitationFromUs');
  const shown = document.createElement('div');
  const title = document.createElement('strong');
  const text = document.createElement('p');
  shown.className = 'invite';
  shown.setAttribute('role', 'dialog');
  shown.setAttribute('aria-label', from);
  title.textContent = from;
  text.textContent = offer.message;
  const button = (label: string, then: () => void): HTMLButtonElement => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.onclick = () => {
      shown.remove();
      then();
    };
    return b;
  };
  shown.append(
    title,
    text,
    button(t('reply'), () => {
      reply(offer);
      handlers.onReply?.();
    }),
    button(t('dismiss'), () => handlers.onDismiss?.()),
  );
  root.append(shown);
  card = shown;
}

/**
 * Tells Parley the visitor dismissed an invitation: as text/plain, so no preflight, with the
 * visitor's token in the body; sent even if the page is being left.
 */
export function dismissInvitation(
  parleyOrigin: string,
  siteKey: string,
  visitor: { visitorId: string; token: string },
  invitationId: string,
): void {
  const { visitorId, token } = visitor;
  void fetch(
    `${parleyOrigin}/api/v1/widget/invitations/${encodeURIComponent(invitationId)}/dismiss`,
    {
      method: 'POST',
      body: JSON.stringify({ siteKey, visitorId, token }),
      credentials: 'omit',
      keepalive: true,
    },
  ).catch(() => undefined);
}
