/**
 * The postMessage protocol between the loader (on the customer's page) and the chat frame.
 * The frame learns the page's origin from the browser-given `event.origin` of `parley:init`,
 * never from the message body, so a page cannot claim to be another site.
 */
import { isRecord } from '../client/is-record';
import { isLauncherLook, type LauncherLook } from './launcher-look';
import type { InvitationOffer } from '../protocol/visitor-schemas';

/** Frame → loader, posted to `window.parent` with target origin '*' (the frame cannot know it yet). */
export type FrameMessage =
  | { type: 'parley:ready' }
  | { type: 'parley:close' }
  /** Agent messages the visitor has not seen, for a badge on the launcher while the chat is closed. */
  | { type: 'parley:unread'; count: number }
  /** The site's widget settings changed while the chat was open: the launcher redraws. */
  | { type: 'parley:look'; look: LauncherLook }
  /** The frame made or replaced the visitor's identity: the loader keeps it (host storage). */
  | { type: 'parley:identity'; identity: HandedIdentity }
  /** A message arrived in the chat (sent by the visitor or to it), for `Parley.on('message')`. */
  | { type: 'parley:message'; message: PublicMessage };

/** The visitor's credential as the loader and the frame hand it to each other. */
export interface HandedIdentity {
  visitorId: string;
  token: string;
}

/** A chat message as the host page's `Parley.on('message', fn)` sees it. */
export interface PublicMessage {
  author: 'visitor' | 'agent' | 'bot' | 'system';
  /** The author's display name; null for the visitor and when the server did not say. */
  name: string | null;
  body: string;
  at: string;
}

/** Loader → frame, posted with the Parley origin as target origin. */
export type HostMessage =
  | {
      type: 'parley:init';
      siteKey: string;
      /** The visitor the loader keeps for this site, which the frame then uses. */
      identity?: HandedIdentity;
      /**
       * The loader made `identity` and no frame has answered for it yet: a frame holding its own
       * identity from before the loader kept one (older releases) keeps that, if the server still
       * knows it, and reports what it settled on with `parley:identity`.
       */
      fresh?: boolean;
      /** The language the host page chose with `Parley.setLanguage`, if it did. */
      language?: string;
    }
  /** `Parley.setLanguage(code)` after the frame loaded. */
  | { type: 'parley:language'; language: string }
  /**
   * Whether the panel is shown: the frame reports messages as read only while it is. `focus` is
   * set when the visitor opened it just now, and only then does the frame move focus into the
   * chat: a chat reopened by itself (after a reload) must not take the keyboard from the page.
   */
  | { type: 'parley:visibility'; open: boolean; focus?: boolean }
  /** The visitor pressed "Reply" on an invitation: the chat shows it as the agent's first message. */
  | { type: 'parley:invitation'; invitation: InvitationOffer };

export function isFrameMessage(data: unknown): data is FrameMessage {
  if (!isRecord(data)) return false;
  return (
    data.type === 'parley:ready' ||
    data.type === 'parley:close' ||
    (data.type === 'parley:unread' && typeof data.count === 'number') ||
    (data.type === 'parley:look' && isLauncherLook(data.look)) ||
    (data.type === 'parley:identity' && isHandedIdentity(data.identity)) ||
    (data.type === 'parley:message' && isPublicMessage(data.message))
  );
}

export function isHostMessage(data: unknown): data is HostMessage {
  if (!isRecord(data)) return false;
  return (
    (data.type === 'parley:init' &&
      typeof data.siteKey === 'string' &&
      (data.identity === undefined || isHandedIdentity(data.identity)) &&
      (data.fresh === undefined || typeof data.fresh === 'boolean') &&
      (data.language === undefined || typeof data.language === 'string')) ||
    (data.type === 'parley:language' && typeof data.language === 'string') ||
    (data.type === 'parley:visibility' &&
      typeof data.open === 'boolean' &&
      (data.focus === undefined || typeof data.focus === 'boolean')) ||
    (data.type === 'parley:invitation' && isInvitationOffer(data.invitation))
  );
}

function isInvitationOffer(value: unknown): value is InvitationOffer {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.message === 'string' &&
    (value.agentName === null || typeof value.agentName === 'string')
  );
}

export function isHandedIdentity(value: unknown): value is HandedIdentity {
  return (
    isRecord(value) &&
    typeof value.visitorId === 'string' &&
    typeof value.token === 'string' &&
    value.token.length > 0 &&
    value.token.length <= 128
  );
}

const AUTHORS: readonly unknown[] = ['visitor', 'agent', 'bot', 'system'];

function isPublicMessage(value: unknown): value is PublicMessage {
  return (
    isRecord(value) &&
    AUTHORS.includes(value.author) &&
    (value.name === null || typeof value.name === 'string') &&
    typeof value.body === 'string' &&
    typeof value.at === 'string'
  );
}
