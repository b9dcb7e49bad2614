import {
  EMAIL_PATTERN,
  MAX_MESSAGE_LENGTH,
  MAX_VISITOR_EMAIL,
  MAX_VISITOR_NAME,
  isBlankText,
} from '../../../protocol/limits';
import { t, type ChatKey } from '../../i18n/chat';
import { element, setText } from './dom';

export interface LeftMessage {
  name: string;
  email: string;
  body: string;
}

interface OfflineForm {
  root: HTMLFormElement;
  focus(): void;
  /** The site's own words above the form; empty: the widget's. */
  setIntro(text: string): void;
}

const FIELDS = ['name', 'email', 'body'] as const;
type Field = (typeof FIELDS)[number];

const LABELS: Record<Field, ChatKey> = {
  name: 'offlineName',
  email: 'offlineEmail',
  body: 'offlineMessage',
};

/**
 * The leave-a-message form, offered while nobody is online: Name, Email and Message, all required,
 * checked on submit like the pre-chat form (same look, first wrong field focused, its message tied
 * to it). `submit` resolves with an error text to show, or null once the message is stored.
 */
export function createOfflineForm(
  submit: (message: LeftMessage) => Promise<string | null>,
  cancel: () => void,
): OfflineForm {
  const rows = {
    name: fieldRow('name', { type: 'text', autocomplete: 'name', dir: 'auto' }, MAX_VISITOR_NAME),
    email: fieldRow('email', { type: 'email', autocomplete: 'email' }, MAX_VISITOR_EMAIL),
    body: fieldRow('body', { dir: 'auto', rows: '3' }, MAX_MESSAGE_LENGTH),
  };
  const formError = element('p', { class: 'prechat-error', role: 'alert' });
  const intro = element('p', { class: 'prechat-intro', dir: 'auto' }, t('offlineIntro'));
  const button = element('button', { type: 'submit', class: 'prechat-start' }, t('offlineSend'));
  const back = element('button', { type: 'button', class: 'offline-back' }, t('offlineBack'));
  back.addEventListener('click', cancel);
  const form = element(
    'form',
    { class: 'prechat offline', novalidate: '', 'aria-label': t('offlineLabel') },
    intro,
    rows.name.root,
    rows.email.root,
    rows.body.root,
    formError,
    button,
    back,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });

  async function send(): Promise<void> {
    setText(formError, '');
    let firstInvalid: HTMLInputElement | HTMLTextAreaElement | undefined;
    for (const field of FIELDS) {
      const row = rows[field];
      const problem = checkField(field, row.input.value.trim());
      row.showError(problem && t(problem));
      if (problem) firstInvalid ??= row.input;
    }
    if (firstInvalid) {
      firstInvalid.focus();
      return;
    }
    button.disabled = true;
    const failure = await submit({
      name: rows.name.input.value.trim(),
      email: rows.email.input.value.trim(),
      body: rows.body.input.value,
    }).finally(() => (button.disabled = false));
    if (failure) setText(formError, failure);
    else rows.body.input.value = '';
  }

  return {
    root: form,
    focus: () => rows.name.input.focus(),
    setIntro: (text) => setText(intro, text || t('offlineIntro')),
  };
}

function checkField(field: Field, value: string): ChatKey | null {
  if (isBlankText(value)) return 'offlineMissing';
  if (field === 'email' && !EMAIL_PATTERN.test(value)) return 'offlineBadEmail';
  return null;
}

function fieldRow(field: Field, attributes: Record<string, string>, maxLength: number) {
  const id = `offline-${field}`;
  const error = element('p', { class: 'prechat-field-error', id: `${id}-error` });
  const input = element(field === 'body' ? 'textarea' : 'input', {
    id,
    class: 'prechat-input',
    required: '',
    maxlength: String(maxLength),
    'aria-describedby': error.id,
    ...attributes,
  });
  const label = element('label', { for: id }, t(LABELS[field]));
  return {
    root: element('div', { class: 'prechat-field' }, label, input, error),
    input,
    showError(text: string | null) {
      setText(error, text ?? '');
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}
