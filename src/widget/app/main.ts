/**
 * The chat frame, served at /widget/frame?site=SITE_KEY inside the loader's iframe. The visitor
 * can read and write at once; the connection follows once the page told us its origin.
 */
import './styles.css';
import { language, t, useLanguage } from '../i18n/chat';
import { preferredLanguages } from '../i18n/translator';
import { pickLocale } from '../../client/locale-match';
import { isUiLanguage, type UiLanguage } from '../../protocol/ui-languages';
import { widgetText } from '../widget-texts';
import { ChatSession } from './chat-session';
import { connectToHost } from './host-bridge';
import { openLocalStorage } from '../../client/storage';
import { DraftReporter } from './draft-reporter';
import { TypingReporter } from './typing-reporter';
import { mountChatView } from './view/chat-view';
import { element } from './view/dom';
import { connectVisitor } from './visitor-connection';
import {
  loadIdentity,
  reportingIdentity,
  saveIdentity,
  type VisitorIdentity,
} from './visitor-identity';
import type { WidgetConfig, WidgetSettings } from '../../protocol/settings-schemas';
import type { PreChat } from './view/prechat-form';
import { widgetConfigUrl } from '../launcher-look';
import { newClientId } from '../../client/client-id';
import type { ErrorCode } from '../../protocol/errors';
import type { ChatKey } from '../i18n/chat';
import type { Message } from '../../protocol/schemas';

/** What the leave-a-message form says for a refusal it can explain. */
const OFFLINE_FAILURES: Partial<Record<ErrorCode | 'offline', ChatKey>> = {
  invalid_email: 'offlineBadEmail',
  message_too_long: 'offlineTooLong',
  rate_limited: 'offlineRateLimited',
};

const params = new URLSearchParams(location.search);
const siteKey = params.get('site');
void start();

async function start(): Promise<void> {
  const config = siteKey ? fetchConfig(siteKey) : Promise.resolve(undefined);
  await useLanguage(await chatLanguage(config));
  document.title = t('documentTitle');
  if (siteKey) startChat(siteKey, config);
  else document.body.append(element('p', { class: 'fatal' }, t('unavailable')));
}

/**
 * The chat's language: the one the loader asks for (`lang`: the page's `Parley.setLanguage`, else
 * the browser's, else the site's default, as the embed check answered), else the browser's first
 * language with a catalog, else the site's default.
 */
async function chatLanguage(config: Promise<WidgetConfig | undefined>): Promise<UiLanguage> {
  const asked = params.get('lang');
  const chosen = pickLocale([...(asked ? [asked] : []), ...preferredLanguages()]);
  if (chosen) return chosen;
  const siteDefault = (await config)?.widget.defaultLanguage;
  return isUiLanguage(siteDefault) ? siteDefault : 'en';
}

async function fetchConfig(siteKey: string): Promise<WidgetConfig | undefined> {
  try {
    const response = await fetch(widgetConfigUrl('', siteKey));
    return response.ok ? ((await response.json()) as WidgetConfig) : undefined;
  } catch {
    return undefined;
  }
}

function startChat(siteKey: string, config: Promise<WidgetConfig | undefined>): void {
  // Every identity the frame saves goes to the loader too (once the page said who it is).
  let reportIdentity = (_identity: VisitorIdentity): void => undefined;
  const storage = reportingIdentity(openLocalStorage(), siteKey, (identity) =>
    reportIdentity(identity),
  );
  let renderQueued = false;
  let reportedUnread = 0;
  let hostOpen = false;
  // Whether this visitor answered the pre-chat form on this site before (this browser).
  const answeredKey = `parley:contact:${siteKey}`;
  let settings: WidgetSettings | undefined;
  // The departments the form may offer, by name (the config has them; pushes have ids only).
  let departments: WidgetConfig['departments'] = [];
  const preChatOf = (widget: WidgetSettings): PreChat => ({
    ...widget.preChat,
    departments: departments.filter((d) => widget.preChat.departments.includes(d.id)),
  });
  const askedFor = new Set<string>();
  // The left message's idempotency key: the same until it is stored, so a retry is one message.
  let leftMessageId = newClientId();

  // Many changes come in one burst (a sync page, an ack and its push): draw once per burst.
  // Not requestAnimationFrame: it stops while the panel is hidden, and the unread badge on the
  // launcher must update then too.
  const changed = (): void => {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      const state = session.state();
      // A message refused for want of a contact (this browser's answer was for a visitor the
      // server no longer knows, or the site started asking): ask again, once per refusal.
      const refused = state.local.filter(
        (m) =>
          m.state === 'failed' && m.errorCode === 'contact_required' && !askedFor.has(m.clientId),
      );
      if (settings && refused.length > 0) {
        refused.forEach((m) => askedFor.add(m.clientId));
        storage.removeItem(answeredKey);
        view.setPreChat(preChatOf(settings), false);
      }
      view.render(state);
      if (state.unread !== reportedUnread) host.reportUnread((reportedUnread = state.unread));
      reportNewMessages(state.messages);
    });
  };

  // History loaded with the frame is not news to the host page: only messages from after it.
  const startedAt = new Date().toISOString();
  let reportedSeq = 0;
  const reportNewMessages = (messages: readonly Message[]): void => {
    for (const message of messages) {
      if (message.seq <= reportedSeq) continue;
      reportedSeq = message.seq;
      if (message.createdAt < startedAt) continue;
      const { type, name } = message.author;
      host.reportMessage({
        author: type,
        name: type === 'visitor' ? null : name,
        body: message.body,
        at: message.createdAt,
      });
    }
  };

  const session = new ChatSession(storage, siteKey, changed);
  const typing = new TypingReporter((isTyping) => session.reportTyping(isTyping));
  const drafts = new DraftReporter((text) => session.reportDraft(text));

  const updateVisibility = (): void =>
    session.setVisible(hostOpen && document.visibilityState === 'visible');

  const host = connectToHost(
    siteKey,
    (open, focus) => {
      hostOpen = open;
      updateVisibility();
      // Only when the visitor opened the chat: one that reopens by itself after a reload must not
      // take the keyboard from the page (a login form's password went into the chat that way).
      // Opening the on-screen keyboard unasked would hide half the chat on a phone.
      if (focus && matchMedia('(pointer: fine)').matches) view.focusComposer();
    },
    (invitation) => session.answerInvitation(invitation),
  );
  document.addEventListener('visibilitychange', updateVisibility);

  const view = mountChatView(document.body, {
    send: (body) => session.send(body),
    typing: (text) => {
      typing.input();
      drafts.input(text);
    },
    stopTyping: () => {
      typing.stop();
      drafts.clear();
    },
    close: () => host.close(),
    identify: async (contact) => {
      const failure = await session.identify(contact);
      if (failure === null) {
        storage.setItem(answeredKey, '1');
        if (settings) view.setPreChat(preChatOf(settings), true);
        changed();
        return null;
      }
      return t(failure === 'invalid_email' ? 'prechatInvalid' : 'prechatFailed');
    },
    leaveMessage: async (message) => {
      const failure = await session.leaveMessage({ clientId: leftMessageId, ...message });
      if (failure !== null) return t(OFFLINE_FAILURES[failure] ?? 'offlineFailed');
      // Stored, with the name and email: a new key for the next one, and no pre-chat form.
      leftMessageId = newClientId();
      storage.setItem(answeredKey, '1');
      if (settings) view.setPreChat(preChatOf(settings), true);
      changed();
      return null;
    },
  });
  changed();

  const applySettings = (widget: WidgetSettings): void => {
    settings = widget;
    document.documentElement.style.setProperty('--accent', widget.accentColor);
    view.setTexts({
      title: widgetText(widget, language(), 'title'),
      greeting: widgetText(widget, language(), 'greeting'),
      offlineMessage: widgetText(widget, language(), 'offlineMessage'),
    });
    view.setPreChat(preChatOf(widget), storage.getItem(answeredKey) !== null);
    view.setSneakPeek(widget.sneakPeek);
    drafts.setEnabled(widget.sneakPeek);
    changed();
  };
  void config.then((config) => {
    if (!config) return;
    departments = config.departments;
    applySettings(config.widget);
  });

  /**
   * The loader keeps the identity all of the site's pages share (first-party storage): the frame
   * takes the one it hands over, and hands back the one it had when the loader has none. One the
   * loader just made loses to the frame's own: that visitor came back from before the loader kept
   * identities (older releases), and its conversation is under the frame's. Returns the loader's
   * identity to fall back on if the server no longer knows the frame's.
   */
  const adoptHandedIdentity = (
    handed: VisitorIdentity | null,
    fresh: boolean,
  ): VisitorIdentity | undefined => {
    const own = loadIdentity(storage, siteKey);
    if (!handed) {
      if (own) host.reportIdentity(own);
    } else if (own && own.token !== handed.token && fresh) {
      return handed;
    } else if (own?.token !== handed.token) {
      saveIdentity(storage, siteKey, handed);
      if (own) session.identityReplaced();
    }
    return undefined;
  };

  void host.pageOrigin.then((pageOrigin) => {
    const fresh = host.handedIsFresh();
    const fallback = adoptHandedIdentity(host.handedIdentity(), fresh);
    reportIdentity = (identity) => host.reportIdentity(identity);
    const socket = connectVisitor({ siteKey, pageOrigin, storage, fallback }, session);
    session.attach(socket);
    // The loader's identity was only its guess until a frame answered: say which one holds.
    if (fresh) {
      socket.once('connect', () => {
        const settled = loadIdentity(storage, siteKey);
        if (settled) host.reportIdentity({ visitorId: settled.visitorId, token: settled.token });
      });
    }
    // Settings → Sites changed this site: redraw here, and tell the launcher on the page.
    socket.on('site:updated', ({ widget }) => {
      applySettings(widget);
      host.reportLook(widget);
    });
  });
}
