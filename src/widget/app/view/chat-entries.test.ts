import { describe, expect, it } from 'vitest';
import type { Message } from '../../../protocol/schemas';
import type { ChatState, LocalMessage } from '../chat-session';
import { chatEntries } from './chat-entries';

function message(seq: number, author: Message['author'], clientId: string | null = null): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId,
    author,
    body: `body ${seq}`,
    internal: false,
    meta: null,
    language: null,
    translations: [],
    createdAt: '2025-01-01T10:00:00.000Z',
  };
}

const visitor = { type: 'visitor', id: 'v1', name: null } as const;
const ana = { type: 'agent', id: 'a1', name: 'Ana' } as const;

const sending = (clientId: string): LocalMessage => ({
  clientId,
  body: clientId,
  state: 'sending',
});

function failed(clientId: string, afterSeq: number): LocalMessage {
  return { clientId, body: clientId, state: 'failed', errorCode: 'message_too_long', afterSeq };
}

function state(overrides: Partial<ChatState>): ChatState {
  return {
    status: 'connected',
    messages: [],
    local: [],
    agentReadSeq: 0,
    resolved: false,
    agentTyping: null,
    queue: null,
    unread: 0,
    availability: null,
    ...overrides,
  };
}

describe('chatEntries', () => {
  it('marks the visitor’s messages read up to the agent’s read seq', () => {
    const entries = chatEntries(
      state({
        messages: [message(1, visitor, 'a'), message(2, ana), message(3, visitor, 'b')],
        agentReadSeq: 2,
      }),
    );
    expect(entries.map((e) => [e.key, e.status])).toEqual([
      ['c:a', 'read'],
      ['s:2', null],
      ['c:b', 'sent'],
    ]);
  });

  it('keys a sent message like its pending self, so the row is kept', () => {
    const pending = chatEntries(state({ local: [sending('x')] }));
    const sent = chatEntries(state({ messages: [message(1, visitor, 'x')] }));
    expect(pending[0]?.key).toBe(sent[0]?.key);
  });

  it('shows a refused message where it failed, and those on their way after everything', () => {
    const entries = chatEntries(
      state({
        messages: [message(1, ana), message(2, ana), message(3, ana)],
        local: [sending('late'), failed('failed', 1)],
      }),
    );
    expect(entries.map((e) => e.key)).toEqual(['s:1', 'c:failed', 's:2', 's:3', 'c:late']);
    expect(entries[1]?.errorCode).toBe('message_too_long');
  });

  it('keeps messages on their way in the order typed, after the ones already delivered', () => {
    const entries = chatEntries(
      state({
        messages: [message(1, ana), message(2, visitor, 'one'), message(3, ana)],
        local: [sending('two'), sending('three'), sending('four')],
      }),
    );
    expect(entries.map((e) => e.key)).toEqual([
      's:1',
      'c:one',
      's:3',
      'c:two',
      'c:three',
      'c:four',
    ]);
  });

  it('starts a run when the author changes', () => {
    const bob = { type: 'agent', id: 'a2', name: 'Bob' } as const;
    const entries = chatEntries(
      state({ messages: [message(1, ana), message(2, ana), message(3, bob), message(4, visitor)] }),
    );
    expect(entries.map((e) => e.startsRun)).toEqual([true, false, true, true]);
  });

  it('marks a "joined the chat" entry with the agent’s name, for the view to word', () => {
    const system = { type: 'system', id: null, name: null } as const;
    const joined: Message = {
      ...message(2, system),
      body: 'Bo joined the chat',
      meta: { kind: 'joined', agentName: 'Bo' },
    };
    const entries = chatEntries(state({ messages: [message(1, visitor), joined] }));
    expect(entries.map((e) => e.joinedAgent)).toEqual([null, 'Bo']);
  });
});

describe('translated messages', () => {
  const translated = (
    seq: number,
    author: Message['author'],
    translation: { status: 'pending' | 'done' | 'failed'; body: string | null },
  ): Message =>
    ({
      ...message(seq, author),
      body: 'How can I help?',
      language: 'en',
      translations: [{ language: 'es', ...translation }],
    }) as Message;

  it('shows support’s message in the visitor’s language, with the original kept', () => {
    const [entry] = chatEntries(
      state({
        messages: [translated(1, ana, { status: 'done', body: '¿Cómo puedo ayudar?' })],
      }),
    );
    expect(entry).toMatchObject({
      body: '¿Cómo puedo ayudar?',
      original: 'How can I help?',
      translationPending: false,
    });
  });

  it('shows the original marked pending until the translation is done, and plain when it failed', () => {
    const [waiting, failedOne] = chatEntries(
      state({
        messages: [
          translated(1, ana, { status: 'pending', body: null }),
          translated(2, ana, { status: 'failed', body: null }),
        ],
      }),
    );
    expect(waiting).toMatchObject({
      body: 'How can I help?',
      original: null,
      translationPending: true,
    });
    expect(failedOne).toMatchObject({
      body: 'How can I help?',
      original: null,
      translationPending: false,
    });
  });

  it('shows the visitor’s own messages as they wrote them', () => {
    const [entry] = chatEntries(
      state({ messages: [translated(1, visitor, { status: 'done', body: 'Hola' })] }),
    );
    expect(entry).toMatchObject({ body: 'How can I help?', original: null });
  });
});
