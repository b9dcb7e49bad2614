import { hasRole, hasScope, type Actor } from '../../core/actor';

/** Site settings (origins, embed code, appearance): owners and admins only, read and write. */
export const sitePolicy = {
  read: (actor: Actor): boolean => hasRole(actor, 'admin') || hasScope(actor, 'sites:read'),
  write: (actor: Actor): boolean => hasRole(actor, 'admin') || hasScope(actor, 'sites:write'),
};
