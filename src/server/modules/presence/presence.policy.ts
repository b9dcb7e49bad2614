import type { Actor, AgentActor } from '../../core/actor';

/** Presence belongs to agents: each sets their own, and every colleague may see it. */
export const presencePolicy = {
  /** Who is online matters to every agent (whom to transfer to), whatever their role. */
  list: (actor: Actor): boolean => actor.kind === 'agent',
  /** Only a person has a presence; the status they set is always their own. */
  setOwn: (actor: Actor): actor is AgentActor => actor.kind === 'agent',
};
