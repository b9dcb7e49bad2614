import { hasRole, type Actor } from '../../core/actor';

/**
 * Departments: owners and admins make, rename, delete them and choose who is in them; every agent
 * may list their names (to transfer a chat to one).
 */
export const departmentPolicy = {
  list: (actor: Actor): boolean => actor.kind === 'agent',
  manage: (actor: Actor): boolean => hasRole(actor, 'admin'),
};
