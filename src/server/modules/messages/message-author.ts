import type { Actor } from '../../core/actor';
import type { AuthorType } from '../../../protocol/schemas';

/** Who a message is from, as stored with it. The system has no id of its own. */
export type Author =
  { type: 'visitor' | 'agent' | 'bot'; id: string; name: string | null } | { type: 'system' };

/**
 * The id stored with the system's messages, so that their client ids deduplicate like anyone's:
 * a unique index treats a null author as distinct from every other null.
 */
export const SYSTEM_AUTHOR_ID = 'system';

export function authorOf(actor: Actor): Author {
  switch (actor.kind) {
    case 'system':
      return { type: 'system' };
    case 'agent':
    case 'bot':
      return { type: actor.kind, id: actor.id, name: actor.name };
    case 'visitor':
      return { type: 'visitor', id: actor.id, name: null };
    case 'token':
      // An integration writing through the API speaks like a bot, under its token's id.
      return { type: 'bot', id: actor.id, name: null };
  }
}

export function authorIdOf(author: Author): string {
  return author.type === 'system' ? SYSTEM_AUTHOR_ID : author.id;
}

/** How the stored author reads to clients: the system's messages carry no author id. */
export function presentedAuthorId(type: AuthorType, storedId: string | null): string | null {
  return type === 'system' ? null : storedId;
}
