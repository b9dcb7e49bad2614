import type { Conversation, Message } from '../../protocol/schemas';

export function aConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    siteId: 's1',
    visitor: { id: 'v-0001-abcdef', name: null, email: null, blocked: false },
    status: 'open',
    assigneeId: null,
    departmentId: null,
    queuedAt: null,
    assignedAt: null,
    language: null,
    lastSeq: 0,
    lastMessage: null,
    unreadCount: 0,
    visitorReadSeq: 0,
    agentReadSeq: 0,
    createdAt: '2025-06-10T10:00:00.000Z',
    updatedAt: '2025-06-10T10:00:00.000Z',
    ...overrides,
  };
}

export function aMessage(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId: null,
    author: { type: 'visitor', id: 'v-0001-abcdef', name: null },
    body: `message ${seq}`,
    internal: false,
    meta: null,
    translations: [],
    createdAt: new Date(Date.parse('2025-06-10T10:00:00.000Z') + seq * 1000).toISOString(),
    ...overrides,
  };
}

export const anAgent = { type: 'agent', id: 'a1', name: 'Ada' } as const;

export function seqs(messages: readonly Message[]): number[] {
  return messages.map((m) => m.seq);
}
