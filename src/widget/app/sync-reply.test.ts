import { describe, expect, it } from 'vitest';
import type { Message, VisitorConversation } from '../../protocol/schemas';
import { syncPageOf } from './sync-reply';

const conversation: VisitorConversation = {
  id: 'c1',
  status: 'open',
  lastSeq: 1,
  agentReadSeq: 0,
  visitorReadSeq: 0,
};
const message: Message = {
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  clientId: null,
  author: { type: 'agent', id: 'a1', name: 'Ana' },
  body: 'hello',
  internal: false,
  meta: null,
  translations: [],
  createdAt: '2025-01-01T00:00:00.000Z',
};
const page = { conversation, messages: [message], hasMore: false };

describe('syncPageOf', () => {
  it('returns the page of an ok ack, ignoring fields it does not know', () => {
    expect(syncPageOf({ ok: true, data: page })).toBe(page);
    const extended = { ...page, messages: [{ ...message, reactions: [] }], cursor: 'x' };
    expect(syncPageOf({ ok: true, data: extended })).toBe(extended);
    expect(syncPageOf({ ok: true, data: { ...page, conversation: null } })).not.toBeNull();
  });

  it('returns null for an error ack', () => {
    expect(syncPageOf({ ok: false, error: { code: 'rate_limited', message: 'slow' } })).toBeNull();
  });

  it.each([
    ['no ack', undefined],
    ['a string', 'ok'],
    ['ok that is not true', { ok: 1, data: page }],
    ['no data', { ok: true }],
    ['no messages', { ok: true, data: { conversation, hasMore: false } }],
    ['no hasMore', { ok: true, data: { conversation, messages: [] } }],
    ['a conversation without an id', { ok: true, data: { ...page, conversation: {} } }],
    [
      'a read mark that is not an integer',
      { ok: true, data: { ...page, conversation: { ...conversation, agentReadSeq: 1.5 } } },
    ],
    ['a null message', { ok: true, data: { ...page, messages: [null] } }],
    ['a message with seq 0', { ok: true, data: { ...page, messages: [{ ...message, seq: 0 }] } }],
    [
      'a message with a string seq',
      { ok: true, data: { ...page, messages: [{ ...message, seq: '1' }] } },
    ],
    [
      'a message without an author',
      { ok: true, data: { ...page, messages: [{ ...message, author: null }] } },
    ],
    [
      'a message whose clientId is a number',
      { ok: true, data: { ...page, messages: [{ ...message, clientId: 7 }] } },
    ],
    [
      'a message without internal',
      { ok: true, data: { ...page, messages: [{ ...message, internal: undefined }] } },
    ],
  ])('returns null for a reply with %s', (_, ack) => {
    expect(syncPageOf(ack)).toBeNull();
  });
});
