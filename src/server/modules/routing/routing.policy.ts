import { hasRole, type Actor } from '../../core/actor';

/** Who may take conversations by hand (the organization itself is checked by the lookup). */
export const routingPolicy = {
  /** Claim a waiting conversation: any agent. */
  claim: (actor: Actor): boolean => actor.kind === 'agent',

  /** Take a conversation from the agent who has it: supervisors and up. */
  takeOver: (actor: Actor): boolean => hasRole(actor, 'supervisor'),

  /** Admins and owners act in every department; others only in their own. */
  anyDepartment: (actor: Actor): boolean => hasRole(actor, 'admin'),
};
