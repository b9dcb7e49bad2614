import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transfer } from '../../protocol/transfer-schemas';
import { RequestError } from '../api/request-error';
import { acceptTransfer } from '../realtime/agent-actions';
import { useTransfersStore } from './transfers';

vi.mock('../realtime/agent-actions', () => ({ acceptTransfer: vi.fn() }));
vi.mock('../api/transfers', () => ({}));
const acceptMock = vi.mocked(acceptTransfer);

function aTransfer(id: string, overrides: Partial<Transfer> = {}): Transfer {
  return {
    id,
    conversationId: `c-${id}`,
    fromAgentId: 'ana',
    toAgentId: 'bo',
    toDepartmentId: null,
    status: 'requested',
    acceptedBy: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-01T10:02:00.000Z',
    decidedAt: null,
    ...overrides,
  };
}

beforeEach(() => {
  setActivePinia(createPinia());
  acceptMock.mockReset();
});

describe('the transfers waiting for this agent', () => {
  it('gain a requested one once, and lose it when it is decided', () => {
    const transfers = useTransfersStore();
    transfers.receive(aTransfer('t1'));
    transfers.receive(aTransfer('t1'));
    transfers.receive(aTransfer('t2'));
    expect(transfers.pending.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(transfers.pendingByConversation['c-t2']?.id).toBe('t2');

    transfers.receive(aTransfer('t1', { status: 'expired' }));
    transfers.receive(aTransfer('t2', { status: 'accepted', acceptedBy: 'cy' }));
    expect(transfers.pending).toEqual([]);
  });

  it('drop one that someone else accepted first, and say why', async () => {
    const transfers = useTransfersStore();
    transfers.receive(aTransfer('t1'));
    acceptMock.mockRejectedValue(new RequestError('transfer_not_pending', 'over'));
    await expect(transfers.accept('t1')).rejects.toMatchObject({ code: 'transfer_not_pending' });
    expect(transfers.pending).toEqual([]);
  });

  it.each(['offline', 'timeout', 'network', 'rate_limited'] as const)(
    'keep one whose Accept failed with %s, so it can be tried again',
    async (code) => {
      const transfers = useTransfersStore();
      transfers.receive(aTransfer('t1'));
      acceptMock.mockRejectedValue(new RequestError(code, 'not now'));
      await expect(transfers.accept('t1')).rejects.toMatchObject({ code });
      expect(transfers.pending.map((t) => t.id)).toEqual(['t1']);
    },
  );
});
