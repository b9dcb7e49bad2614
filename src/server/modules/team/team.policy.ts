import { hasRole, type Actor } from '../../core/actor';
import type { AgentRole } from '../../../protocol/schemas';

/**
 * The team: owners and admins see it, invite and deactivate; only an owner makes, unmakes,
 * invites or deactivates an owner.
 */
export const teamPolicy = {
  manage: (actor: Actor): boolean => hasRole(actor, 'admin'),
  /** Whether `actor` may give `role`, or act on someone who has it. */
  touchRole: (actor: Actor, role: AgentRole): boolean =>
    role === 'owner' ? hasRole(actor, 'owner') : hasRole(actor, 'admin'),
};
