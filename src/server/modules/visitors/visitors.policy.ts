import { hasScope, type Actor } from '../../core/actor';

/**
 * Who may see and change a visitor of their own organization (another organization's visitor is
 * not found). Every agent helps every visitor who browses, whatever their role: the live view and
 * the profile are theirs; which conversations a profile lists is the conversations' visibility.
 */
export const visitorPolicy = {
  read: (actor: Actor): boolean => actor.kind === 'agent' || hasScope(actor, 'conversations:read'),
  /** Correct the name or email the visitor gave, and keep notes about them. */
  edit: (actor: Actor): boolean => actor.kind === 'agent',
};
