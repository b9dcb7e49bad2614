import { describe, expect, it, vi } from 'vitest';
import type { Message, VisitorConversation } from '../../protocol/schemas';
import { ConversationTimeline } from './conversation-timeline';

function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId: null,
    author: { type: 'agent', id: 'a1', name: 'Ana' },
    body: `message ${seq}`,
    internal: false,
    meta: null,
    language: null,
    translations: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function conversation(overrides: Partial<VisitorConversation> = {}): VisitorConversation {
  return { id: 'c1', status: 'open', lastSeq: 0, agentReadSeq: 0, visitorReadSeq: 0, ...overrides };
}

const seqs = (timeline: ConversationTimeline): number[] => timeline.messages().map((m) => m.seq);

describe('ConversationTimeline', () => {
  it('knows a resolved conversation until the visitor writes again, or it reopens', () => {
    const timeline = new ConversationTimeline();
    timeline.update(conversation({ status: 'resolved' }));
    expect(timeline.resolved).toBe(true);
    timeline.receive(message(1)); // an agent's message does not reopen it
    expect(timeline.resolved).toBe(true);
    timeline.receive(message(2, { author: { type: 'visitor', id: 'v1', name: null } }));
    expect(timeline.resolved).toBe(false);
    timeline.update(conversation({ status: 'resolved' }));
    timeline.update(conversation({ status: 'open' }));
    expect(timeline.resolved).toBe(false);
  });

  it('appends the next seq and ignores one it already has', () => {
    const timeline = new ConversationTimeline();
    expect(timeline.receive(message(1))).toBe('appended');
    expect(timeline.receive(message(2))).toBe('appended');
    expect(timeline.receive(message(2))).toBe('known');
    expect(timeline.receive(message(1))).toBe('known');
    expect(seqs(timeline)).toEqual([1, 2]);
    expect(timeline.syncedSeq).toBe(2);
  });

  it('reports a gap, shows the message, and keeps syncing from before the gap', () => {
    const timeline = new ConversationTimeline();
    timeline.receive(message(1));
    expect(timeline.receive(message(4))).toBe('gap');
    expect(timeline.syncedSeq).toBe(1);
    expect(timeline.latestSeq()).toBe(4);

    timeline.applySync({
      conversation: conversation(),
      messages: [message(2), message(3)],
      hasMore: false,
    });
    expect(seqs(timeline)).toEqual([1, 2, 3, 4]);
    expect(timeline.syncedSeq).toBe(4);
  });

  it('merges sync pages with pushes without duplicates, in seq order', () => {
    const timeline = new ConversationTimeline();
    timeline.receive(message(3));
    timeline.applySync({
      conversation: conversation(),
      messages: [message(1), message(2), message(3)],
      hasMore: true,
    });
    timeline.applySync({ conversation: conversation(), messages: [message(5)], hasMore: false });
    expect(seqs(timeline)).toEqual([1, 2, 3, 5]);
    expect(timeline.syncedSeq).toBe(5);
  });

  it('never shows an internal note', () => {
    const timeline = new ConversationTimeline();
    expect(timeline.receive(message(1, { internal: true }))).toBe('known');
    timeline.applySync({
      conversation: conversation(),
      messages: [message(2, { internal: true })],
      hasMore: false,
    });
    expect(seqs(timeline)).toEqual([]);
  });

  it('moves read marks forward only', () => {
    const timeline = new ConversationTimeline();
    timeline.update(conversation({ agentReadSeq: 5, visitorReadSeq: 3 }));
    timeline.update(conversation({ agentReadSeq: 4, visitorReadSeq: 2 }));
    expect(timeline.agentReadSeq).toBe(5);
    expect(timeline.visitorReadSeq).toBe(3);
  });

  it('starts over when the server moved on to another conversation', () => {
    const timeline = new ConversationTimeline();
    timeline.applySync({
      conversation: conversation(),
      messages: [message(1), message(2)],
      hasMore: false,
    });

    expect(timeline.receive(message(1, { conversationId: 'c2' }))).toBe('appended');
    expect(timeline.messages().map((m) => m.conversationId)).toEqual(['c2']);

    expect(
      timeline.applySync({
        conversation: conversation({ id: 'c3' }),
        messages: [],
        hasMore: false,
      }),
    ).toBe('switched');
    expect(timeline.syncedSeq).toBe(0);
    expect(seqs(timeline)).toEqual([]);
  });

  it('counts unread support messages and marks them read once', () => {
    const timeline = new ConversationTimeline();
    const visitor = { type: 'visitor', id: 'v1', name: null } as const;
    timeline.applySync({
      conversation: conversation({ visitorReadSeq: 1 }),
      messages: [message(1), message(2, { author: visitor }), message(3), message(4)],
      hasMore: false,
    });
    expect(timeline.unreadCount()).toBe(2);
    expect(timeline.markRead()).toBe(4);
    expect(timeline.unreadCount()).toBe(0);
    expect(timeline.markRead()).toBeNull();

    timeline.receive(message(5, { author: visitor }));
    expect(timeline.markRead()).toBeNull();
  });

  it('counts unread messages that arrived out of order, ahead of a gap, without sorting', () => {
    const timeline = new ConversationTimeline();
    const visitor = { type: 'visitor', id: 'v1', name: null } as const;
    timeline.update(conversation({ visitorReadSeq: 2 }));
    timeline.receive(message(6));
    timeline.receive(message(1));
    timeline.receive(message(4, { author: visitor }));
    timeline.receive(message(3));
    timeline.receive(message(2));
    timeline.receive(message(5, { internal: true }));

    const sort = vi.spyOn(Array.prototype, 'sort');
    try {
      expect(timeline.unreadCount()).toBe(2); // 3 and 6; 1 and 2 were read, 4 is the visitor's
      expect(sort).not.toHaveBeenCalled();
    } finally {
      sort.mockRestore();
    }
  });

  it('keeps paging past internal notes instead of asking for the same page again', () => {
    const timeline = new ConversationTimeline();
    timeline.applySync({
      conversation: conversation(),
      messages: [message(1), message(2, { internal: true })],
      hasMore: true,
    });
    expect(timeline.syncedSeq).toBe(2);
  });
});

describe('translations pushed for held messages', () => {
  const event = (seq: number, status: 'pending' | 'done', body: string | null) => ({
    conversationId: 'c1',
    messageId: `m${seq}`,
    seq,
    translation: { language: 'es', status, body },
  });

  it('updates the message it is for, and says whether anything changed', () => {
    const timeline = new ConversationTimeline();
    timeline.receive(message(1));
    expect(timeline.applyTranslation(event(1, 'pending', null))).toBe(true);
    expect(timeline.applyTranslation(event(1, 'done', 'Hola'))).toBe(true);
    expect(timeline.applyTranslation(event(1, 'done', 'Hola'))).toBe(false);
    expect(timeline.messages()[0]).toMatchObject({
      body: 'message 1',
      translations: [{ language: 'es', status: 'done', body: 'Hola' }],
    });
  });

  it('makes a catch-up start before a message still waiting for its translation', () => {
    const timeline = new ConversationTimeline();
    timeline.receive(message(1));
    timeline.receive(message(2));
    timeline.receive(message(3));
    expect(timeline.catchUpSeq()).toBe(3);
    timeline.applyTranslation(event(2, 'pending', null));
    expect(timeline.catchUpSeq()).toBe(1);
    // The sync page brings the copy whose translation was done meanwhile.
    timeline.applySync({
      conversation: conversation({ lastSeq: 3 }),
      messages: [
        message(2, { translations: [{ language: 'es', status: 'done', body: 'Hola' }] }),
        message(3),
      ],
      hasMore: false,
    });
    expect(timeline.catchUpSeq()).toBe(3);
    expect(timeline.messages()[1]?.translations[0]?.body).toBe('Hola');
  });

  it('ignores one for a message it does not hold or another conversation', () => {
    const timeline = new ConversationTimeline();
    timeline.receive(message(1));
    expect(timeline.applyTranslation(event(2, 'done', 'Hola'))).toBe(false);
    expect(timeline.applyTranslation({ ...event(1, 'done', 'Hola'), conversationId: 'c2' })).toBe(
      false,
    );
    expect(timeline.applyTranslation({ ...event(1, 'done', 'Hola'), messageId: 'other' })).toBe(
      false,
    );
  });
});
