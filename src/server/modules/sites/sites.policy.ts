import { hasRole, hasScope, type Actor } from '../../core/actor';

/** Sites: every agent may see them (the console shows the embed code); owners and admins change them. */
export const sitePolicy = {
  read: (actor: Actor): boolean => actor.kind === 'agent' || hasScope(actor, 'sites:read'),
  write: (actor: Actor): boolean => hasRole(actor, 'admin') || hasScope(actor, 'sites:write'),
};
