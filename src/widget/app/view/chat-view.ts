import { t, type ChatKey } from '../../i18n/chat';
import { ICON_CLOSE, createIcon } from '../../icons';
import type { ChatState } from '../chat-session';
import type { ConnectionStatus } from '../visitor-connection';
import { chatEntries } from './chat-entries';
import { createComposer, type ComposerActions } from './composer';
import { element, setText } from './dom';
import { createMessageList } from './message-list';
import { createPreChatForm, type Contact, type PreChat } from './prechat-form';

interface ChatViewActions extends ComposerActions {
  close(): void;
  /** The pre-chat form's answers: resolves with a text to show, or null once stored. */
  identify(contact: Contact): Promise<string | null>;
}

interface ChatView {
  render(state: ChatState): void;
  focusComposer(): void;
  /** The site's own title and greeting; empty ones show the widget's, in the visitor's language. */
  setTexts(title: string, greeting: string): void;
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
  const welcome = element('p', { class: 'welcome' }, t('welcome'));
  const header = element(
    'header',
    { class: 'header' },
    element(
      'div',
      { class: 'heading' },
      titleNode,
      element('p', { class: 'subtitle' }, t('subtitle')),
    ),
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
  const scroller = element('div', { class: 'scroller' }, welcome, log, resolvedNotice);
  const typing = element('div', { class: 'typing', 'aria-live': 'polite' });
  const composer = createComposer(actions);
  const sneakPeekNotice = element('p', { class: 'sneak-peek' });
  setText(sneakPeekNotice, t('sneakPeekNotice'));
  sneakPeekNotice.hidden = true;
  const preChatForm = createPreChatForm((contact) => actions.identify(contact));
  let asking = false;
  root.append(
    element(
      'div',
      { class: 'chat' },
      header,
      banner,
      scroller,
      typing,
      preChatForm.root,
      sneakPeekNotice,
      composer.root,
    ),
  );

  closeButton.addEventListener('click', () => actions.close());
  document.addEventListener('keydown', (event) => {
    // While an input method composes, Escape cancels the composition, not the chat (Safari
    // reports isComposing false there, but keyCode 229, as in the composer).
    if (event.key === 'Escape' && !event.isComposing && event.keyCode !== 229) actions.close();
  });

  const renderMessages = createMessageList(log);
  let lastKey: string | undefined;

  return {
    focusComposer: () => (preChatForm.root.hidden ? composer.focus() : preChatForm.focus()),
    setSneakPeek(on) {
      sneakPeekNotice.hidden = !on;
    },
    setPreChat(preChat, answered) {
      preChatForm.setFields(preChat);
      asking = !answered && (preChat.name !== 'off' || preChat.email !== 'off');
    },
    setTexts(title, greeting) {
      setText(titleNode, title || t('title'));
      setText(welcome, greeting || t('welcome'));
    },
    render(state) {
      renderBanner(banner, state.status);
      composer.setDisabled(state.status === 'unavailable');
      // A started conversation (a visitor who chatted before) is never asked again.
      const showForm =
        asking &&
        state.messages.length === 0 &&
        state.local.every((message) => message.state === 'failed');
      const wasShown = !preChatForm.root.hidden;
      preChatForm.root.hidden = !showForm;
      composer.root.hidden = showForm;
      if (wasShown && !showForm && preChatForm.root.contains(document.activeElement)) {
        composer.focus();
      }
      setText(resolvedNotice, state.resolved ? t('resolved') : '');
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

function renderBanner(banner: HTMLElement, status: ConnectionStatus): void {
  banner.className = `banner is-${status}`;
  setText(banner, status === 'connected' ? '' : t(BANNER_TEXT[status]));
}
