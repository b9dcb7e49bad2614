import type { ErrorCode } from '../../../protocol/errors';
import { language, t, type ChatKey } from '../../i18n/chat';
import type { ChatEntry, DeliveryStatus } from './chat-entries';
import { element, setBody, setText } from './dom';
import { timeFormatter } from './time-format';

interface Row {
  root: HTMLElement;
  author: HTMLElement;
  bubble: HTMLElement;
  time: HTMLTimeElement;
  status: HTMLElement;
  /** "Show original" on a translated message, or the "Translation pending" mark. */
  translation: HTMLElement;
  toggle: HTMLButtonElement;
  pending: HTMLElement;
  entry: ChatEntry | null;
  /** The visitor asked to see what support wrote, not its translation. */
  showingOriginal: boolean;
}

const STATUS_TEXT: Record<Exclude<DeliveryStatus, 'failed'>, ChatKey> = {
  sending: 'statusSending',
  sent: 'statusSent',
  read: 'statusRead',
};

const FAILURE_TEXT: Partial<Record<ErrorCode, ChatKey>> = {
  message_too_long: 'errorTooLong',
  invalid_text: 'errorInvalidText',
  contact_required: 'errorContactRequired',
};

/** Times in the chat's language, made once that is known (it loads before the view mounts). */
let timeFormat: { language: string; format: (isoTime: string) => string } | undefined;
function formatTime(isoTime: string): string {
  if (timeFormat?.language !== language()) {
    timeFormat = { language: language(), format: timeFormatter(language()) };
  }
  return timeFormat.format(isoTime);
}

/**
 * Keeps the log's rows in step with the entries, by key: rows are created once and then only
 * updated or moved, so the live region announces new messages, not the whole list again.
 */
export function createMessageList(log: HTMLElement): (entries: readonly ChatEntry[]) => void {
  const rows = new Map<string, Row>();

  return (entries) => {
    const shown = new Set<string>();
    let previous: Element | null = null;
    for (const entry of entries) {
      shown.add(entry.key);
      let row = rows.get(entry.key);
      if (!row) {
        row = createRow();
        rows.set(entry.key, row);
      }
      updateRow(row, entry);
      const expected: ChildNode | null = previous ? previous.nextSibling : log.firstChild;
      if (row.root !== expected) log.insertBefore(row.root, expected);
      previous = row.root;
    }
    for (const [key, row] of rows) {
      if (shown.has(key)) continue;
      row.root.remove();
      rows.delete(key);
    }
  };
}

function createRow(): Row {
  const author = element('span', { class: 'author' });
  // Each message takes its direction from its own text (see .bubble in styles.css).
  const bubble = element('p', { class: 'bubble', dir: 'auto' });
  const time = element('time', { class: 'time' });
  const status = element('span', { class: 'status' });
  const toggle = element('button', { type: 'button', class: 'link' });
  const pending = element('span', {});
  const translation = element('span', { class: 'translation' }, toggle, pending);
  translation.hidden = true;
  const root = element(
    'div',
    {},
    author,
    bubble,
    element('span', { class: 'meta' }, time, status),
    translation,
  );
  const row: Row = {
    root,
    author,
    bubble,
    time,
    status,
    translation,
    toggle,
    pending,
    entry: null,
    showingOriginal: false,
  };
  toggle.addEventListener('click', () => {
    row.showingOriginal = !row.showingOriginal;
    if (row.entry) updateRow(row, row.entry);
  });
  return row;
}

function updateRow(row: Row, entry: ChatEntry): void {
  row.entry = entry;
  const side =
    entry.authorType === 'visitor'
      ? 'visitor'
      : entry.authorType === 'system'
        ? 'system'
        : 'support';
  const className = [
    'row',
    `from-${side}`,
    entry.startsRun ? 'starts-run' : '',
    entry.status ? `is-${entry.status}` : '',
  ].join(' ');
  if (row.root.className !== className) row.root.className = className;

  setText(row.author, authorName(entry));
  const shownBody = entry.original !== null && row.showingOriginal ? entry.original : entry.body;
  setBody(
    row.bubble,
    entry.joinedAgent === null ? shownBody : t('agentJoined', { name: entry.joinedAgent }),
  );
  updateTranslation(row, entry);
  if (entry.createdAt && row.time.dateTime !== entry.createdAt) {
    row.time.dateTime = entry.createdAt;
    setText(row.time, formatTime(entry.createdAt));
  }
  // The row sits in the log's live region, so each change of its text is read out. "Sent" and
  // "Read" come to every message of the visitor's and would be heard over and over: they are
  // for the eyes only. "Sending" comes with the new row, and a failure replaces it: both heard.
  // Hidden before the text changes, so the new text is never announced.
  if (entry.status === 'sent' || entry.status === 'read') {
    row.status.setAttribute('aria-hidden', 'true');
  } else {
    row.status.removeAttribute('aria-hidden');
  }
  setText(row.status, statusText(entry));
}

function updateTranslation(row: Row, entry: ChatEntry): void {
  const translated = entry.original !== null;
  row.translation.hidden = !translated && !entry.translationPending;
  row.toggle.hidden = !translated;
  setText(row.toggle, t(row.showingOriginal ? 'showTranslation' : 'showOriginal'));
  setText(row.pending, entry.translationPending ? t('translationPending') : '');
}

function authorName(entry: ChatEntry): string {
  switch (entry.authorType) {
    case 'visitor':
      return t('you');
    case 'agent':
      return entry.authorName ?? t('agentFallbackName');
    case 'bot':
      return entry.authorName ?? t('botFallbackName');
    case 'system':
      return '';
  }
}

function statusText({ status, errorCode }: ChatEntry): string {
  if (status === null) return '';
  if (status !== 'failed') return t(STATUS_TEXT[status]);
  return t((errorCode && FAILURE_TEXT[errorCode]) || 'errorRejected');
}
