import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Transfer, TransferTargets } from '../../protocol/transfer-schemas';
import { fetchPendingTransfers, fetchTransferTargets } from '../api/transfers';
import { acceptTransfer } from '../realtime/agent-actions';
import { useConversationsStore } from './conversations';

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
      // Over already (someone else was first, or it expired): it waits no more.
      pending.value = pending.value.filter((t) => t.id !== transferId);
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
