import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Transfer, TransferTargets } from '../../protocol/transfer-schemas';
import { failureCodeOf, type FailureCode } from '../api/request-error';
import { fetchPendingTransfers, fetchTransferTargets } from '../api/transfers';
import { acceptTransfer } from '../realtime/agent-actions';
import { useConversationsStore } from './conversations';

/** The server's answers that say a transfer can no longer be accepted. */
const OVER: readonly FailureCode[] = ['transfer_not_pending', 'not_found', 'conversation_resolved'];

/**
 * Transfers waiting for this agent (pushed by `transfer:requested`, dropped once decided), and
 * the agents and departments one may transfer to, which also name them on the timeline.
 */
export const useTransfersStore = defineStore('transfers', () => {
  const pending = ref<Transfer[]>([]);
  const targets = ref<TransferTargets>({ agents: [], departments: [] });

  const pendingByConversation = computed(() => {
    const map: Record<string, Transfer> = {};
    for (const transfer of pending.value) map[transfer.conversationId] = transfer;
    return map;
  });

  /** After each (re)connect: what was pushed while away is fetched instead. */
  async function refresh(): Promise<void> {
    pending.value = await fetchPendingTransfers();
  }

  async function loadTargets(): Promise<void> {
    targets.value = await fetchTransferTargets();
  }

  /** A push: a new transfer waits, or one was decided (accepted, expired, replaced). */
  function receive(transfer: Transfer): void {
    const others = pending.value.filter((t) => t.id !== transfer.id);
    pending.value = transfer.status === 'requested' ? [...others, transfer] : others;
  }

  async function accept(transferId: string): Promise<void> {
    try {
      const { transfer, conversation } = await acceptTransfer(transferId);
      useConversationsStore().upsert(conversation);
      receive(transfer);
    } catch (error) {
      // Over already (someone else was first, it expired, the chat ended): it waits no more.
      // Otherwise (offline, no answer, a passing refusal) it still waits: they may try again.
      if (OVER.includes(failureCodeOf(error))) {
        pending.value = pending.value.filter((t) => t.id !== transferId);
      }
      throw error;
    }
  }

  function agentName(id: string | null): string | null {
    return targets.value.agents.find((a) => a.id === id)?.name ?? null;
  }

  function departmentName(id: string | null): string | null {
    return targets.value.departments.find((d) => d.id === id)?.name ?? null;
  }

  return {
    pending,
    targets,
    pendingByConversation,
    refresh,
    loadTargets,
    receive,
    accept,
    agentName,
    departmentName,
  };
});
