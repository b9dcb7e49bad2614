import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AgentPresence, PresenceStatus } from '../../protocol/routing-schemas';
import { fetchAgentPresence } from '../api/presence';
import { useSessionStore } from './session';

/**
 * Who of the organization is online, away or offline, live: loaded on each (re)connect and kept
 * by `agent:presence` pushes. The header reads the agent's own; Team and the transfer dialog the rest.
 */
export const usePresenceStore = defineStore('presence', () => {
  const session = useSessionStore();
  const byId = ref<Record<string, AgentPresence>>({});

  const agents = computed(() =>
    Object.values(byId.value).sort((a, b) => a.name.localeCompare(b.name)),
  );
  /** The signed-in agent's presence, as routing sees it. */
  const mine = computed<PresenceStatus>(() => {
    const id = session.me?.id;
    return (id && byId.value[id]?.presence) || 'offline';
  });

  // Pushes that came while a load was on its way are newer than what it brings back.
  let pushedDuringLoad = new Map<string, PresenceStatus>();

  async function load(): Promise<void> {
    const pushed = new Map<string, PresenceStatus>();
    pushedDuringLoad = pushed;
    const list = await fetchAgentPresence();
    byId.value = Object.fromEntries(
      list.map((a) => [a.agentId, { ...a, presence: pushed.get(a.agentId) ?? a.presence }]),
    );
  }

  /** A push: an agent we do not know yet (just joined) comes with the next load. */
  function apply(agentId: string, presence: PresenceStatus): void {
    pushedDuringLoad.set(agentId, presence);
    const known = byId.value[agentId];
    if (known) byId.value[agentId] = { ...known, presence };
  }

  function presenceOf(agentId: string): PresenceStatus {
    return byId.value[agentId]?.presence ?? 'offline';
  }

  return { agents, mine, load, apply, presenceOf };
});
