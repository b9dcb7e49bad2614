/**
 * The realtime event maps of both namespaces. Socket.IO's generics take these, so a misspelt
 * event or a wrong payload is a compile error in server, widget and console alike.
 */
import type { ErrorBody } from './errors';
import type { LiveVisitor } from './visitor-schemas';
import type { z } from 'zod';
import type {
  Conversation,
  Message,
  SyncResult,
  VisitorContact,
  VisitorConversation,
  agentListPayload,
  agentReadPayload,
  agentResolvePayload,
  agentSendPayload,
  agentSyncPayload,
  agentTypingPayload,
  visitorIdentifyPayload,
  visitorReadPayload,
  visitorSendPayload,
  visitorSyncPayload,
  visitorTypingPayload,
} from './schemas';
import type {
  OwnPresence,
  PresenceStatus,
  presenceActivityPayload,
  presenceSetPayload,
} from './routing-schemas';
import type { WidgetSettings } from './settings-schemas';
import type { MessageTranslated } from './translation-schemas';
import type { Transfer, transferAcceptPayload, transferRequestPayload } from './transfer-schemas';
import type { QueuePosition } from './routing-schemas';
import type { agentClaimPayload, visitorQueuePayload } from './queue-schemas';
import type { Availability, offlineMessagePayload } from './offline-schemas';
import type { InvitationOffer, invitationReplyPayload } from './visitor-schemas';
import type {
  ColleagueActivity,
  agentViewingPayload,
  agentWhisperPayload,
  conversationTarget,
  visitorDraftPayload,
} from './inbox-schemas';

/** Every event a client sends takes an ack, called once with the outcome. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type Ack<T> = (result: AckResult<T>) => void;

type In<S extends z.ZodType> = z.input<S>;

/** `/visitor` namespace: what the widget sends. */
export interface VisitorClientEvents {
  'message:send': (p: In<typeof visitorSendPayload>, ack: Ack<{ message: Message }>) => void;
  'conversation:sync': (
    p: In<typeof visitorSyncPayload>,
    ack: Ack<SyncResult<VisitorConversation>>,
  ) => void;
  typing: (p: In<typeof visitorTypingPayload>, ack?: Ack<null>) => void;
  'conversation:read': (p: In<typeof visitorReadPayload>, ack?: Ack<null>) => void;
  /** The pre-chat form's answers; the ack carries what is now stored. */
  'visitor:identify': (
    p: In<typeof visitorIdentifyPayload>,
    ack: Ack<{ contact: VisitorContact }>,
  ) => void;
  /**
   * Where the conversation is in line now (null before the first message): asked after every
   * (re)connect; changes are pushed.
   */
  'queue:position': (p: In<typeof visitorQueuePayload>, ack: Ack<QueuePosition | null>) => void;
  /** Whether someone can chat now; asked after every (re)connect, pushed when it changes. */
  'availability:get': (p: Record<string, never>, ack: Ack<{ availability: Availability }>) => void;
  /** The leave-a-message form, sent while nobody is online: the ack carries the stored message. */
  'offline:message': (p: In<typeof offlineMessagePayload>, ack: Ack<{ message: Message }>) => void;
  /**
   * What the visitor is typing, before sending, on a site with the sneak peek on (the server
   * drops it otherwise). Throttled by the widget.
   */
  draft: (p: In<typeof visitorDraftPayload>, ack?: Ack<null>) => void;
  /**
   * The visitor pressed "Reply" on an invitation: its next message starts the conversation with
   * the invitation as the first message. The ack carries the invitation as the chat shows it.
   */
  'invitation:reply': (
    p: In<typeof invitationReplyPayload>,
    ack: Ack<{ invitation: InvitationOffer }>,
  ) => void;
}

/** `/visitor` namespace: what the server pushes to the widget. */
export interface VisitorServerEvents {
  'message:new': (message: Message) => void;
  /** An agent's message is now in the visitor's language (or its translation failed for good). */
  'message:translated': (p: MessageTranslated) => void;
  'conversation:updated': (conversation: VisitorConversation) => void;
  typing: (p: { typing: boolean; agentName: string | null }) => void;
  /** The site's widget settings changed (Settings → Sites): redraw with them. */
  'site:updated': (p: { widget: WidgetSettings }) => void;
  /** The visitor's place in line changed (position null: an agent has it now). */
  'queue:position': (p: QueuePosition) => void;
  /** Someone came online, or the last one left: show the chat or the leave-a-message form. */
  availability: (p: { availability: Availability }) => void;
}

/** `/agent` namespace: what the console sends. */
export interface AgentClientEvents {
  'message:send': (p: In<typeof agentSendPayload>, ack: Ack<{ message: Message }>) => void;
  'conversation:sync': (p: In<typeof agentSyncPayload>, ack: Ack<SyncResult<Conversation>>) => void;
  'conversation:list': (
    p: In<typeof agentListPayload>,
    ack: Ack<{ conversations: Conversation[] }>,
  ) => void;
  'conversation:read': (p: In<typeof agentReadPayload>, ack?: Ack<null>) => void;
  'conversation:resolve': (
    p: In<typeof agentResolvePayload>,
    ack: Ack<{ conversation: Conversation }>,
  ) => void;
  typing: (p: In<typeof agentTypingPayload>, ack?: Ack<null>) => void;
  /** The agent picks their own status in the header. */
  'presence:set': (p: In<typeof presenceSetPayload>, ack: Ack<OwnPresence>) => void;
  /** The agent is at work in the console (throttled by the console to once a minute). */
  'presence:activity': (p: In<typeof presenceActivityPayload>, ack?: Ack<OwnPresence>) => void;
  /** Hands the conversation to another agent or a department, with an internal note. */
  'transfer:request': (
    p: In<typeof transferRequestPayload>,
    ack: Ack<{ transfer: Transfer }>,
  ) => void;
  /** The target (or a member of the target department) takes the conversation. */
  'transfer:accept': (
    p: In<typeof transferAcceptPayload>,
    ack: Ack<{ transfer: Transfer; conversation: Conversation }>,
  ) => void;
  /** Take a waiting conversation by hand; `already_assigned` when someone has it. */
  'conversation:claim': (
    p: In<typeof agentClaimPayload>,
    ack: Ack<{ conversation: Conversation }>,
  ) => void;
  /** Supervisors and up: take a conversation from the agent who has it. */
  'conversation:take-over': (
    p: In<typeof agentClaimPayload>,
    ack: Ack<{ conversation: Conversation }>,
  ) => void;
  /** The console shows (true) or left (false) a conversation; repeated while shown. */
  'conversation:viewing': (p: In<typeof agentViewingPayload>, ack?: Ack<null>) => void;
  /** A supervisor joins silently to monitor: the visitor is not told. */
  'conversation:join': (
    p: In<typeof conversationTarget>,
    ack: Ack<{ conversation: Conversation }>,
  ) => void;
  /** A supervisor's note to the assigned agent; the visitor never sees it. */
  'message:whisper': (p: In<typeof agentWhisperPayload>, ack: Ack<{ message: Message }>) => void;
}

/** `/agent` namespace: what the server pushes to every agent of the organization. */
export interface AgentServerEvents {
  'conversation:created': (conversation: Conversation) => void;
  'conversation:updated': (conversation: Conversation) => void;
  'message:new': (message: Message) => void;
  /** A message's translation is done, or failed for good. */
  'message:translated': (p: MessageTranslated) => void;
  typing: (p: { conversationId: string; typing: boolean }) => void;
  /** An agent of the organization (the receiver too) is now online, away or offline. */
  'agent:presence': (p: { agentId: string; presence: PresenceStatus }) => void;
  /** To the target agent, or to each member of the target department, only. */
  'transfer:requested': (transfer: Transfer) => void;
  /** A transfer was accepted, expired or cancelled: to its targets and to who asked for it. */
  'transfer:updated': (transfer: Transfer) => void;
  /** Departments changed (Settings → Departments): fetch them again. */
  'departments:changed': () => void;
  /** A conversation left this agent's sight (taken from the queue by a colleague). */
  'conversation:hidden': (p: { conversationId: string }) => void;
  /** A colleague is viewing or typing in a conversation (collision). */
  'colleague:activity': (p: ColleagueActivity) => void;
  /** A colleague named this agent in a private note. */
  mention: (p: AgentNotice) => void;
  /** A supervisor whispered to this agent. */
  whisper: (p: AgentNotice) => void;
  /** The visitor's unsent text (sneak peek); empty once cleared or sent. */
  draft: (p: { conversationId: string; text: string }) => void;
  /** A visitor arrived on a site, moved to another page, or started or ended chatting. */
  'visitors:update': (visitor: LiveVisitor) => void;
  /** A visitor left every site of the organization (its visit ended). */
  'visitors:left': (p: { visitorId: string }) => void;
}

/** A note addressed to one agent: where it is, and who wrote it. */
export interface AgentNotice {
  conversationId: string;
  messageId: string;
  by: string;
}

/** Every event name a client may send, at run time; `satisfies` keeps each list complete. */
export const VISITOR_CLIENT_EVENTS = [
  'message:send',
  'conversation:sync',
  'typing',
  'conversation:read',
  'visitor:identify',
  'queue:position',
  'availability:get',
  'offline:message',
  'draft',
  'invitation:reply',
] as const satisfies readonly (keyof VisitorClientEvents)[];
export const AGENT_CLIENT_EVENTS = [
  'message:send',
  'conversation:sync',
  'conversation:list',
  'conversation:read',
  'conversation:resolve',
  'typing',
  'presence:set',
  'presence:activity',
  'transfer:request',
  'transfer:accept',
  'conversation:claim',
  'conversation:take-over',
  'conversation:viewing',
  'conversation:join',
  'message:whisper',
] as const satisfies readonly (keyof AgentClientEvents)[];
// A name missing from a list above is a compile error here.
type Complete<Listed, All> = [Exclude<All, Listed>] extends [never] ? true : never;
export const EVENT_LISTS_COMPLETE: [
  Complete<(typeof VISITOR_CLIENT_EVENTS)[number], keyof VisitorClientEvents>,
  Complete<(typeof AGENT_CLIENT_EVENTS)[number], keyof AgentClientEvents>,
] = [true, true];

export const VISITOR_NAMESPACE = '/visitor';
export const AGENT_NAMESPACE = '/agent';
/**
 * Sent by Parley's own pages on their long-polling requests. A same-origin GET carries no Origin,
 * and over plain HTTP on a host name that is not localhost Chromium sends no Sec-Fetch-Site
 * either; a header of our own is what shows such a request came from our pages: another page
 * cannot add one to a `<script>` or no-cors request, and a CORS request would need a preflight
 * that Parley never grants (and would carry its Origin anyway).
 */
export const OWN_PAGE_HEADER = 'x-parley-page';
/**
 * The agent's session cookie: httpOnly, SameSite=Strict. Over HTTPS it is Secure and takes the
 * `__Host-` prefix, which also stops a sibling subdomain from planting one of its own.
 */
export const SESSION_COOKIE = 'parley_session';
export const SECURE_SESSION_COOKIE = '__Host-parley_session';
