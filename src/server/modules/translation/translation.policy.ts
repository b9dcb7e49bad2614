import { hasRole, type Actor } from '../../core/actor';

/**
 * Who may do what with translation. The provider (and its key) and the glossary's content are
 * the organization's settings: owners and admins. Translating what they read, and previewing a
 * reply, is for every agent who may see the conversation (checked by the lookup).
 */
export const translationPolicy = {
  settings: (actor: Actor): boolean => hasRole(actor, 'admin'),
  readGlossary: (actor: Actor): boolean => actor.kind === 'agent',
  editGlossary: (actor: Actor): boolean => hasRole(actor, 'admin'),
  translate: (actor: Actor): boolean => actor.kind === 'agent',
};
