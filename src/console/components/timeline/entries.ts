import type { Component } from 'vue';
import type { MessageMeta } from '../../../protocol/routing-schemas';
import JoinedEntry from './JoinedEntry.vue';
import TransferEntry from './TransferEntry.vue';
import AssignmentEntry from './AssignmentEntry.vue';
import ClaimedEntry from './ClaimedEntry.vue';
import AutoResolvedEntry from './AutoResolvedEntry.vue';
import OfflineMessageEntry from './OfflineMessageEntry.vue';
import WhisperEntry from './WhisperEntry.vue';
import InvitedEntry from './InvitedEntry.vue';

/**
 * How the timeline shows each kind of structured entry (a message with `meta`): each routing
 * feature registers its own component here, which gets the message as its `message` prop. A kind
 * without one shows as an ordinary message bubble.
 */
export const timelineEntries: Partial<Record<MessageMeta['kind'], Component>> = {
  transfer: TransferEntry,
  joined: JoinedEntry,
  assignment: AssignmentEntry,
  claimed: ClaimedEntry,
  offline_message: OfflineMessageEntry,
  auto_resolved: AutoResolvedEntry,
  whisper: WhisperEntry,
  invited: InvitedEntry,
};
