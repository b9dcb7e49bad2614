import type { PresenceStatus } from '../../../protocol/routing-schemas';

/** What an agent's presence is computed from. */
export interface PresenceInputs {
  /** A console of theirs is connected, on any node. */
  connected: boolean;
  chosen: PresenceStatus;
  /** Unix ms of their last activity in the console; null: none recorded. */
  activeAt: number | null;
  now: number;
  awayAfterMs: number;
}

/**
 * The presence routing reads: offline without a console; otherwise what the agent chose, except
 * that an agent who chose online but has been idle longer than `awayAfterMs` is away.
 */
export function effectivePresence(p: PresenceInputs): PresenceStatus {
  if (!p.connected) return 'offline';
  if (p.chosen === 'online' && p.activeAt !== null && p.now - p.activeAt > p.awayAfterMs)
    return 'away';
  return p.chosen;
}
