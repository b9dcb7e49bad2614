/**
 * What each agent's inbox shows (issue 10): the tabs, colleagues' names, who is viewing or typing
 * in a conversation, and the visitor's draft when the site allows a sneak peek.
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from './limits';
import { clientId, entityId, inboxView, messageBody } from './schemas';

/** A draft is cut to what a message may hold. */
const MAX_DRAFT_LENGTH = MAX_MESSAGE_LENGTH;

export const inboxSchema = z
  .object({
    /** The tabs this agent has: "all" only for supervisors and up, or when the organization allows. */
    views: z.array(inboxView),
    /** The organization's active agents, for assignee names and @mentions. */
    agents: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .meta({ id: 'Inbox' });
export type Inbox = z.infer<typeof inboxSchema>;

export const conversationTarget = z.object({ conversationId: entityId });

/** The console opened (true) or left (false) a conversation; repeated while it stays open. */
export const agentViewingPayload = z.object({ conversationId: entityId, viewing: z.boolean() });

/** What colleagues are doing in a conversation right now. */
export interface ColleagueActivity {
  conversationId: string;
  agentId: string;
  agentName: string;
  activity: 'viewing' | 'typing';
  active: boolean;
}

/** A supervisor's whisper to the conversation's assigned agent. */
export const whisperBody = z.object({ clientId, body: messageBody });
export const agentWhisperPayload = whisperBody.extend({ conversationId: entityId });

/** The visitor's unsent text (sneak peek); empty when the field was cleared. */
export const visitorDraftPayload = z.object({
  conversationId: entityId.optional(),
  text: z.string().max(MAX_DRAFT_LENGTH),
});
