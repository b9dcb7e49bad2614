import { language, t, type ChatKey } from '../../i18n/chat';
import { ICON_CLOSE, createIcon } from '../../icons';
import type { ChatState } from '../chat-session';
import type { ConnectionStatus } from '../visitor-connection';
import { chatEntries } from './chat-entries';
import { createComposer, type ComposerActions } from './composer';
import { element, setText } from './dom';
import { createMessageList } from './message-list';
import { createOfflineForm, type LeftMessage } from './offline-form';
import { createPreChatForm, type Contact, type PreChat } from './prechat-form';

interface ChatViewActions extends ComposerActions {
  close(): void;
  /** The pre-chat form's answers: resolves with a text to show, or null once stored. */
  identify(contact: Contact): Promise<string | null>;
  /** The leave-a-message form: resolves with a text to show, or null once stored. */
  leaveMessage(message: LeftMessage): Promise<string | null>;
}

interface ChatView {
  render(state: ChatState): void;
  focusComposer(): void;
  /**
   * The site's own title, greeting and offline message, already in the visitor's language;
   * empty ones show the widget's.
   */
  setTexts(texts: { title: string; greeting: string; offlineMessage: string }): void;
  /**
   * What the site asks before the chat, and whether this visitor already answered: the form
   * replaces the composer while something is asked, unanswered, and no conversation started.
   */
  setPreChat(preChat: PreChat, answered: boolean): void;
  /** The site shows agents what the visitor types: say so above the message box. */
  setSneakPeek(on: boolean): void;
}

const BANNER_TEXT = {
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  unavailable: 'unavailable',
} as const satisfies Record<Exclude<ConnectionStatus, 'connected'>, ChatKey>;

/** Distance from the bottom (px) within which new messages keep the list scrolled down. */
const PINNED_SLACK = 48;

export function mountChatView(root: HTMLElement, actions: ChatViewActions): ChatView {
  const closeButton = element(
    'button',
    { type: 'button', class: 'close', 'aria-label': t('closeChat') },
    createIcon(ICON_CLOSE).svg,
  );
  const titleNode = element('h1', { class: 'title' }, t('title'));
  const subtitle = element('p', { class: 'subtitle' }, t('subtitle'));
  // Nobody online: the subtitle says so, the chat stays open (it is answered later), and this
  // offers the leave-a-message form, which asks for the email to answer to. In the header, so a
  // small (or zoomed) panel still has room for the messages and the composer.
  const offlineOpen = element(
    'button',
    { type: 'button', class: 'offline-open' },
    t('offlineOpen'),
  );
  const welcome = element('p', { class: 'welcome' }, t('welcome'));
  const header = element(
    'header',
    { class: 'header' },
    element('div', { class: 'heading' }, titleNode, subtitle, offlineOpen),
    closeButton,
  );
  // Live regions must exist before their text changes, so these stay in the DOM when empty.
  const banner = element('div', { class: 'banner', role: 'status' });
  const log = element('div', {
    class: 'log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': t('messagesLabel'),
  });
  // Announced when support closes the conversation; empty (and hidden) otherwise.
  const resolvedNotice = element('p', { class: 'resolved', role: 'status' });
  // The visitor's place in line while no agent has the conversation yet.
  const queueNotice = element('p', { class: 'resolved queue', role: 'status' });
  // Announced once a left message is stored.
  const sentNotice = element('p', { class: 'offline-sent', role: 'status' });
  const scroller = element(
    'div',
    { class: 'scroller' },
    welcome,
    log,
    resolvedNotice,
    queueNotice,
    sentNotice,
  );
  const typing = element('div', { class: 'typing', 'aria-live': 'polite' });
  const composer = createComposer(actions);
  const sneakPeekNotice = element('p', { class: 'sneak-peek' });
  setText(sneakPeekNotice, t('sneakPeekNotice'));
  sneakPeekNotice.hidden = true;
  const preChatForm = createPreChatForm((contact) => actions.identify(contact));
  const offlineForm = createOfflineForm(
    async (message) => {
      const failure = await actions.leaveMessage(message);
      if (failure === null) {
        setText(sentNotice, t('offlineSent', { email: message.email }));
        showOfflineForm(false);
      }
      return failure;
    },
    () => showOfflineForm(false),
  );
  let offlineFormOpen = false;
  let asking = false;
  let lastState: ChatState | undefined;
  root.append(
    element(
      'div',
      { class: 'chat' },
      header,
      banner,
      scroller,
      typing,
      preChatForm.root,
      offlineForm.root,
      sneakPeekNotice,
      composer.root,
    ),
  );

  closeButton.addEventListener('click', () => actions.close());
  offlineOpen.addEventListener('click', () => showOfflineForm(true));

  function showOfflineForm(open: boolean): void {
    offlineFormOpen = open;
    if (lastState) showForms(lastState);
    if (open) offlineForm.focus();
    else if (!composer.root.hidden) composer.focus();
  }

  /** Which of the pre-chat form, the leave-a-message form and the composer shows. */
  function showForms(state: ChatState): void {
    const offline = state.availability === 'offline';
    // A started conversation (a visitor who chatted before) is never asked again.
    const notStarted =
      state.messages.length === 0 && state.local.every((message) => message.state === 'failed');
    const showOffline = offline && offlineFormOpen;
    const showPreChat = asking && notStarted && !showOffline;
    const hadFocus = [preChatForm.root, offlineForm.root].some(
      (form) => !form.hidden && form.contains(document.activeElement),
    );
    offlineOpen.hidden = !offline || showOffline;
    preChatForm.root.hidden = !showPreChat;
    offlineForm.root.hidden = !showOffline;
    composer.root.hidden = showPreChat || showOffline;
    if (hadFocus && !composer.root.hidden) composer.focus();
    setText(subtitle, t(offline ? 'subtitleOffline' : 'subtitle'));
  }
  document.addEventListener('keydown', (event) => {
    // While an input method composes, Escape cancels the composition, not the chat (Safari
    // reports isComposing false there, but keyCode 229, as in the composer).
    if (event.key === 'Escape' && !event.isComposing && event.keyCode !== 229) actions.close();
  });

  const renderMessages = createMessageList(log);
  let lastKey: string | undefined;

  return {
    focusComposer: () => {
      if (!offlineForm.root.hidden) offlineForm.focus();
      else if (!preChatForm.root.hidden) preChatForm.focus();
      else composer.focus();
    },
    setSneakPeek(on) {
      sneakPeekNotice.hidden = !on;
    },
    setPreChat(preChat, answered) {
      preChatForm.setFields(preChat);
      asking =
        !answered &&
        (preChat.name !== 'off' || preChat.email !== 'off' || preChat.departments.length > 0);
    },
    setTexts({ title, greeting, offlineMessage }) {
      setText(titleNode, title || t('title'));
      setText(welcome, greeting || t('welcome'));
      offlineForm.setIntro(offlineMessage);
    },
    render(state) {
      renderBanner(banner, state.status);
      composer.setDisabled(state.status === 'unavailable');
      lastState = state;
      showForms(state);
      setText(resolvedNotice, state.resolved ? t('resolved') : '');
      setText(queueNotice, state.queue && !state.resolved ? queueText(state.queue) : '');
      setText(
        typing,
        !state.agentTyping
          ? ''
          : state.agentTyping.name
            ? t('agentTyping', { name: state.agentTyping.name })
            : t('someoneTyping'),
      );

      const pinned =
        scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < PINNED_SLACK;
      const entries = chatEntries(state);
      renderMessages(entries);
      const last = entries.at(-1);
      // Follow new messages when the visitor was at the bottom, and always after they sent one.
      const sentNow = last !== undefined && last.key !== lastKey && last.authorType === 'visitor';
      if (pinned || sentNow) scroller.scrollTop = scroller.scrollHeight;
      lastKey = last?.key;
    },
  };
}

/** "You are number 2 in line — about 3 minutes", or without the wait when it is unknown. */
export function queueText(queue: NonNullable<ChatState['queue']>): string {
  const number = new Intl.NumberFormat(language());
  const place = t('queuePosition', { position: number.format(queue.position) });
  if (queue.estimatedWaitSeconds === null) return place;
  const minutes = Math.max(1, Math.round(queue.estimatedWaitSeconds / 60));
  // "about a minute" is its own sentence; any other count is a number in the reader's digits.
  return minutes === 1
    ? t('queueWaitMinute', { place })
    : t('queueWaitMinutes', { place, minutes: number.format(minutes) });
}

function renderBanner(banner: HTMLElement, status: ConnectionStatus): void {
  banner.className = `banner is-${status}`;
  setText(banner, status === 'connected' ? '' : t(BANNER_TEXT[status]));
}
