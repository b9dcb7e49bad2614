import { isFrameMessage, type HostMessage, type PublicMessage } from '../host-messages';
import { t } from '../i18n/launcher';
import { textDirection } from '../../client/locale-match';
import type { WidgetConfig } from '../../protocol/embedding';
import { ICON_CHAT, ICON_CLOSE, createIcon } from '../icons';
import { isLauncherLook, type LauncherLook } from '../launcher-look';
import launcherStyles from './launcher.css?inline';
import { rememberOpen, wasOpen } from './open-state';
import type { IdentityStore } from './visitor-identity';
import { hostInvitations } from './invitation';
import type { InvitationOffer } from '../../protocol/visitor-schemas';

/**
 * The launcher button and, from the first open on, the chat iframe, in a shadow root.
 * `parleyOrigin` is where the frame lives; it is the only origin the loader talks to. `settings`
 * are the site's widget settings as the embed check returned them, if it could.
 */
/** What the launcher tells the page's `Parley.on` listeners (see public-api.ts). */
export interface LauncherEvents {
  open(): void;
  close(): void;
  unread(count: number): void;
  message(message: PublicMessage): void;
}

/** What `window.Parley` drives. */
export interface LauncherControl {
  setOpen(open: boolean): void;
  /** Kept for the frame's `parley:init`, and passed on at once when it is loaded. */
  setLanguage(language: string): void;
  /** The visitor's identity changed: a loaded frame starts again, to connect as the new one. */
  restartFrame(): void;
}

/** The widget's language, and how to ask the server for another (the embed check again). */
export interface LauncherLanguage {
  language?: string | undefined;
  ask?: (language: string) => Promise<WidgetConfig>;
}

export function mountLauncher(
  siteKey: string,
  parleyOrigin: string,
  identity: IdentityStore,
  settings?: unknown,
  events?: LauncherEvents,
  languages: LauncherLanguage = {},
): LauncherControl {
  const host = document.createElement('parley-widget');
  const root = host.attachShadow({ mode: 'open' });
  // A constructed sheet is not subject to the host page's CSP `style-src`, unlike a <style>.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(launcherStyles);
  root.adoptedStyleSheets = [sheet];

  const button = document.createElement('button');
  const icon = createIcon(ICON_CHAT);
  const badge = document.createElement('span');
  const label = document.createElement('span');
  button.type = 'button';
  button.className = 'launcher';
  badge.className = 'badge';
  badge.hidden = true;
  label.className = 'label';
  button.append(icon.svg, label, badge);
  root.append(button);

  let frame: HTMLIFrameElement | undefined;
  let frameReady = false;
  let open = false;
  /** The visitor opened the chat and the frame has not been told to take focus yet. */
  let focusChat = false;
  let unread = 0;
  let look: (LauncherLook & { localized?: unknown }) | undefined;
  /** The widget's language, as the server chose it (setLanguage, browser, site default). */
  let language = languages.language;
  /** The invitation the visitor answered, for the frame once it is ready. */
  let invitation: InvitationOffer | undefined;

  // Until the frame said it is ready its window may still be about:blank, which would refuse it.
  const post = (message: HostMessage): void => {
    if (frameReady) frame?.contentWindow?.postMessage(message, parleyOrigin);
  };

  const render = (): void => {
    // A visible label is the accessible name too (WCAG 2.5.3), unless there is more to say.
    const labelText = look ? localizedLabel(look, language) : '';
    label.textContent = open ? '' : labelText;
    button.classList.toggle('labelled', !open && labelText !== '');
    button.setAttribute(
      'aria-label',
      open
        ? t('closeChat')
        : unread
          ? t('openChatUnread', { count: unread })
          : labelText || t('openChat'),
    );
    button.setAttribute('aria-expanded', String(open));
    icon.path.setAttribute('d', open ? ICON_CLOSE : ICON_CHAT);
    badge.hidden = open || !unread;
    badge.textContent = String(unread);
  };

  const showVisibility = (): void => {
    post({ type: 'parley:visibility', open, focus: focusChat });
    if (frameReady) focusChat = false;
  };

  const handOverInvitation = (): void => {
    if (!frameReady || !invitation) return;
    post({ type: 'parley:invitation', invitation });
    invitation = undefined;
  };

  /** `byVisitor`: opened or closed by the visitor's click or key, which moves focus with it. */
  const setOpen = (next: boolean, byVisitor: boolean): void => {
    if (next !== open) (next ? events?.open : events?.close)?.();
    open = next;
    focusChat = open && byVisitor;
    if (!frame) {
      frame = document.createElement('iframe');
      frame.className = 'panel';
      frame.title = t('frameTitle');
      frame.src = `${parleyOrigin}/widget/frame?site=${encodeURIComponent(siteKey)}${language ? `&lang=${encodeURIComponent(language)}` : ''}`;
      root.append(frame);
    }
    frame.classList.toggle('open', open);
    render();
    rememberOpen(siteKey, open);
    showVisibility();
    if (byVisitor) (open ? frame : button).focus();
  };

  button.addEventListener('click', () => setOpen(!open, true));
  // A visitor who went back to the page before the chat loaded keeps the keyboard there.
  document.addEventListener('focusin', (event) => {
    if (event.target !== host) focusChat = false;
  });

  window.addEventListener('message', (event) => {
    const message: unknown = event.data;
    if (!frame || event.source !== frame.contentWindow || event.origin !== parleyOrigin) return;
    if (!isFrameMessage(message)) return;
    if (message.type === 'parley:ready') {
      frameReady = true;
      post({
        type: 'parley:init',
        siteKey,
        identity: identity.current() ?? undefined,
        ...(identity.fresh() ? { fresh: true } : {}),
        ...(language ? { language } : {}),
      });
      showVisibility();
      handOverInvitation();
    } else if (message.type === 'parley:close') {
      setOpen(false, true);
    } else if (message.type === 'parley:look') {
      applyLook(message.look);
    } else if (message.type === 'parley:identity') {
      identity.save(message.identity);
    } else if (message.type === 'parley:message') {
      events?.message(message.message);
    } else {
      unread = message.count;
      events?.unread(unread);
      render();
    }
  });

  // Last in <body>, so a fixed element of the page does not win a z-index tie by coming later:
  // once parsing is done (a snippet in <head> without async runs before <body> exists), and
  // again whenever a single-page app swaps <body>.
  const attach = (): void => {
    if (document.readyState !== 'loading' && host.parentNode !== document.body) {
      document.body.append(host);
    }
  };

  /**
   * Colour, side and offsets as custom properties, which launcher.css reads. A right-to-left
   * visitor reads from the right, so the side mirrors for them: the site's "right" is the side
   * where reading ends, the left in Arabic (and the invitation card follows).
   */
  const applyLook = (next: LauncherLook): void => {
    look = next;
    const rtl = textDirection(language ?? '') === 'rtl';
    host.dir = rtl ? 'rtl' : 'ltr';
    if (language) host.lang = language;
    const right = (next.position === 'right') !== rtl;
    const side = `${next.offsetX}px`;
    host.style.setProperty('--parley-accent', next.accentColor);
    host.style.setProperty('--parley-right', right ? side : 'auto');
    host.style.setProperty('--parley-left', right ? 'auto' : side);
    host.style.setProperty('--parley-bottom', `${next.offsetY}px`);
    render();
  };
  // Checked before use (the values go into CSS); without settings the defaults show.
  if (isLauncherLook(settings)) applyLook(settings);

  hostInvitations({
    root,
    reply: (offer) => {
      invitation = offer;
      setOpen(true, true);
      handOverInvitation();
    },
  });

  render();
  document.addEventListener('DOMContentLoaded', attach);
  new MutationObserver(attach).observe(document.documentElement, { childList: true });
  attach();
  if (wasOpen(siteKey)) setOpen(true, false);

  return {
    setOpen: (next) => setOpen(next, false),
    setLanguage: (next) => void switchLanguage(next),
    restartFrame,
  };

  function restartFrame(): void {
    if (!frame) return;
    frame.remove();
    frame = undefined;
    frameReady = false;
    if (open) setOpen(true, false);
  }

  /** `Parley.setLanguage`: the server says what that is in the widget; launcher and chat follow. */
  async function switchLanguage(next: string): Promise<void> {
    const answer = await languages.ask?.(next).catch(() => undefined);
    if (!answer?.language || answer.language === language) return;
    language = answer.language;
    if (look) applyLook(look);
    render();
    // The chat draws in one language: it starts again in the new one (its history comes back).
    restartFrame();
  }
}

/** The site's launcher label in the widget's language, else its plain one. */
function localizedLabel(look: LauncherLook & { localized?: unknown }, language?: string): string {
  const localized = (look.localized as Record<string, { launcherLabel?: unknown }> | undefined)?.[
    language ?? ''
  ]?.launcherLabel;
  return typeof localized === 'string' && localized ? localized : look.launcherLabel;
}
