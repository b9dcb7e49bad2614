import { hasRole, type Actor } from '../../core/actor';

/** Who may invite visitors, and who may change a site's automatic invitations. */
export const invitationPolicy = {
  /** Any agent who may answer conversations may start one. */
  invite: (actor: Actor): boolean => actor.kind === 'agent',
  /** The rules are site settings: owners and admins, like the rest of Settings → Sites. */
  editRules: (actor: Actor): boolean => hasRole(actor, 'admin'),
};
