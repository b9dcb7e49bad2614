import { MAX_MESSAGE_LENGTH, isBlankText } from '../../../protocol/limits';
import { language, t } from '../../i18n/chat';
import { ICON_SEND, createIcon } from '../../icons';
import { element, setText } from './dom';

export interface ComposerActions {
  send(body: string): void;
  /** The visitor changed the text (not blank): shows them typing, and is their draft. */
  typing(text: string): void;
  stopTyping(): void;
}

interface Composer {
  root: HTMLFormElement;
  focus(): void;
  setDisabled(disabled: boolean): void;
}

/** The length counter appears from here on, so it does not distract in ordinary messages. */
const COUNT_FROM = Math.floor(MAX_MESSAGE_LENGTH * 0.9);

/** The message box: Enter sends, Shift+Enter breaks the line, blank text is never sent. */
export function createComposer(actions: ComposerActions): Composer {
  const numberFormat = new Intl.NumberFormat(language());
  const count = element('span', { class: 'count', id: 'composer-count' });
  const textarea = element('textarea', {
    class: 'input',
    rows: '1',
    maxlength: String(MAX_MESSAGE_LENGTH),
    enterkeyhint: 'send',
    // Right to left as soon as the visitor writes Arabic or Hebrew, whatever the page's language.
    dir: 'auto',
    'aria-label': t('messageLabel'),
    'aria-describedby': count.id,
    placeholder: t('messagePlaceholder'),
  });
  const sendButton = element(
    'button',
    { type: 'submit', class: 'send', 'aria-label': t('send') },
    createIcon(ICON_SEND).svg,
  );
  const form = element('form', { class: 'composer' }, textarea, count, sendButton);

  const refresh = (): void => {
    // Grow with the text up to the CSS max-height, then scroll.
    textarea.style.height = 'auto';
    textarea.style.height = `${textarea.scrollHeight}px`;
    const used = textarea.value.length;
    setText(
      count,
      used < COUNT_FROM
        ? ''
        : t('lengthCount', {
            used: numberFormat.format(used),
            max: numberFormat.format(MAX_MESSAGE_LENGTH),
          }),
    );
  };

  const submit = (): void => {
    const body = textarea.value.trim();
    // Zero-width characters alone are no message (the server would refuse it as empty).
    if (isBlankText(body)) return;
    actions.send(body);
    actions.stopTyping();
    textarea.value = '';
    refresh();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  textarea.addEventListener('keydown', (event) => {
    // While an input method composes (Chinese, Japanese…), Enter confirms the text, not the send;
    // Safari reports that Enter with isComposing false but keyCode 229.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    submit();
  });
  textarea.addEventListener('input', () => {
    refresh();
    if (!isBlankText(textarea.value)) actions.typing(textarea.value);
    else actions.stopTyping();
  });

  return {
    root: form,
    focus: () => textarea.focus(),
    setDisabled: (disabled: boolean) => {
      textarea.disabled = disabled;
      sendButton.disabled = disabled;
    },
  };
}
