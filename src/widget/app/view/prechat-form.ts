import { EMAIL_PATTERN, MAX_VISITOR_EMAIL, MAX_VISITOR_NAME } from '../../../protocol/limits';
import type { WidgetSettings } from '../../../protocol/settings-schemas';
import { t, type ChatKey } from '../../i18n/chat';
import { element, setText } from './dom';

/** What the form asks: the site's fields, and the departments it offers by name. */
export type PreChat = Omit<WidgetSettings['preChat'], 'departments'> & {
  departments: { id: string; name: string }[];
};
export type Contact = { name?: string; email?: string; departmentId?: string };
type PreChatField = PreChat['name'];

interface PreChatForm {
  root: HTMLFormElement;
  /** Which fields to ask, and which of them are required. */
  setFields(preChat: PreChat): void;
  focus(): void;
}

const FIELDS = ['name', 'email'] as const;
type Field = (typeof FIELDS)[number];

/**
 * The pre-chat form: the fields the site asks for, required ones marked (the mark is hidden
 * from the accessible name, which stays "Name" or "Email": `required` says it instead), checked
 * on submit with the first wrong field focused and its message tied to it. `submit` resolves
 * with an error text to show, or null once the answers are stored.
 */
export function createPreChatForm(
  submit: (contact: Contact) => Promise<string | null>,
): PreChatForm {
  let preChat: PreChat = { name: 'off', email: 'off', departments: [] };
  const rows = Object.fromEntries(FIELDS.map((field) => [field, fieldRow(field)])) as Record<
    Field,
    ReturnType<typeof fieldRow>
  >;
  const department = departmentRow();
  const note = element('p', { class: 'prechat-note' }, t('prechatRequiredNote'));
  const formError = element('p', { class: 'prechat-error', role: 'alert' });
  const button = element('button', { type: 'submit', class: 'prechat-start' }, t('prechatStart'));
  const form = element(
    'form',
    { class: 'prechat', novalidate: '', 'aria-label': t('prechatLabel') },
    element('p', { class: 'prechat-intro' }, t('prechatIntro')),
    rows.name.root,
    rows.email.root,
    department.root,
    note,
    formError,
    button,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });

  async function send(): Promise<void> {
    setText(formError, '');
    const contact: Contact = {};
    let firstInvalid: HTMLInputElement | undefined;
    for (const field of FIELDS) {
      const row = rows[field];
      if (preChat[field] === 'off') continue;
      const value = row.input.value.trim();
      const problem = checkField(field, value, preChat[field]);
      row.showError(problem && t(problem));
      if (problem) firstInvalid ??= row.input;
      else if (value) contact[field] = value;
    }
    if (firstInvalid) {
      firstInvalid.focus();
      return;
    }
    if (!department.root.hidden && department.select.value) {
      contact.departmentId = department.select.value;
    }
    button.disabled = true;
    const failure = await submit(contact).finally(() => (button.disabled = false));
    if (failure) setText(formError, failure);
  }

  return {
    root: form,
    setFields(next) {
      preChat = next;
      for (const field of FIELDS) rows[field].setMode(next[field]);
      department.setOptions(next.departments);
      note.hidden = !FIELDS.some((field) => next[field] === 'required');
    },
    focus: () =>
      [...FIELDS.map((field) => rows[field]), department]
        .find((row) => !row.root.hidden)
        ?.input.focus(),
  };
}

function checkField(field: Field, value: string, mode: PreChatField): ChatKey | null {
  if (!value) return mode === 'required' ? 'prechatMissing' : null;
  if (field === 'email' && !EMAIL_PATTERN.test(value)) return 'prechatBadEmail';
  return null;
}

function fieldRow(field: Field) {
  const id = `prechat-${field}`;
  const error = element('p', { class: 'prechat-field-error', id: `${id}-error` });
  const mark = element('span', { class: 'prechat-mark', 'aria-hidden': 'true' }, ' *');
  const input = element('input', {
    id,
    class: 'prechat-input',
    type: field === 'email' ? 'email' : 'text',
    autocomplete: field,
    maxlength: String(field === 'email' ? MAX_VISITOR_EMAIL : MAX_VISITOR_NAME),
    'aria-describedby': error.id,
    ...(field === 'name' && { dir: 'auto' }),
  });
  const label = element(
    'label',
    { for: id },
    t(field === 'name' ? 'prechatName' : 'prechatEmail'),
    mark,
  );
  const root = element('div', { class: 'prechat-field' }, label, input, error);
  return {
    root,
    input,
    setMode(mode: PreChatField) {
      root.hidden = mode === 'off';
      mark.hidden = mode !== 'required';
      input.required = mode === 'required';
    },
    showError(text: string | null) {
      setText(error, text ?? '');
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}

/** "Department": shown when the site offers a choice; left at "No preference", none is sent. */
function departmentRow() {
  const id = 'prechat-department';
  const input = element('select', { id, class: 'prechat-input' });
  const label = element('label', { for: id }, t('prechatDepartment'));
  const root = element('div', { class: 'prechat-field', hidden: '' }, label, input);
  return {
    root,
    input,
    select: input,
    setOptions(departments: { id: string; name: string }[]) {
      const chosen = input.value;
      input.replaceChildren(
        element('option', { value: '' }, t('prechatAnyDepartment')),
        ...departments.map((d) => element('option', { value: d.id }, d.name)),
      );
      if (departments.some((d) => d.id === chosen)) input.value = chosen;
      root.hidden = departments.length === 0;
    },
  };
}
