import { hasRole, type Actor } from '../../core/actor';

/** Jobs: owners and admins see the ones of their organization that failed for good. */
export const jobPolicy = {
  readFailed: (actor: Actor): boolean => hasRole(actor, 'admin'),
};
