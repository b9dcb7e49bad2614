/**
 * Routing, presence and the structured timeline entries they write (issue 10). Kept apart from
 * schemas.ts so that each routing feature adds its payloads here without touching the core's.
 */
import { z } from 'zod';
import { ROUTING_LIMITS } from './settings';

export const presenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof presenceStatus>;

export const routingStrategy = z.enum(['round_robin', 'least_busy']);
export type RoutingStrategy = z.infer<typeof routingStrategy>;

/** One agent routing looked at, as they were at that moment. */
const assignmentCandidate = z.object({
  agentId: z.string(),
  name: z.string(),
  /** Open conversations assigned to them then. */
  load: z.number().int(),
  maxChats: z.number().int(),
  speaksLanguage: z.boolean(),
});

/**
 * What a structured timeline entry is. Entries marked agents-only ride on internal messages,
 * which never reach the visitor; `joined` is the one a visitor sees.
 */
export const messageMeta = z.discriminatedUnion('kind', [
  /** Why this agent: an automatic assignment and everything it weighed. Agents only. */
  z.object({
    kind: z.literal('assignment'),
    agentId: z.string(),
    agentName: z.string(),
    strategy: routingStrategy,
    departmentId: z.string().nullable(),
    language: z.string().nullable(),
    languageMatch: z.boolean(),
    candidates: z.array(assignmentCandidate),
  }),
  /** The conversation waits in a queue: nobody eligible had room. Agents only. */
  z.object({ kind: z.literal('queued'), departmentId: z.string().nullable() }),
  /** An agent claimed it from the queue, or a supervisor took it over. Agents only. */
  z.object({
    kind: z.literal('claimed'),
    agentId: z.string(),
    agentName: z.string(),
    takeover: z.boolean(),
  }),
  /** A transfer asked for, with its note as the body. Agents only. */
  z.object({
    kind: z.literal('transfer'),
    transferId: z.string(),
    fromAgentId: z.string().nullable(),
    toAgentId: z.string().nullable(),
    toDepartmentId: z.string().nullable(),
    state: z.enum(['requested', 'accepted', 'expired']),
  }),
  /** A new agent joined: the one entry the visitor sees. */
  z.object({ kind: z.literal('joined'), agentName: z.string() }),
  /** A supervisor's whisper to the assigned agent. Agents only. */
  z.object({ kind: z.literal('whisper'), toAgentId: z.string().nullable() }),
  /** A private note naming colleagues (`@name`). Agents only. */
  z.object({ kind: z.literal('mentions'), agentIds: z.array(z.string()) }),
  /** A visitor's leave-a-message form, sent while no agent was online. */
  z.object({ kind: z.literal('offline_message'), name: z.string(), email: z.string() }),
  /** Resolved by the auto-resolve job after this many hours without activity. Agents only. */
  z.object({ kind: z.literal('auto_resolved'), afterHours: z.number().int() }),
  /** A proactive invitation the visitor answered: the conversation's first message. */
  z.object({ kind: z.literal('invitation'), invitationId: z.string() }),
  /** The agent who invited the visitor has the conversation it started. Agents only. */
  z.object({ kind: z.literal('invited'), agentId: z.string(), agentName: z.string() }),
]);
export type MessageMeta = z.infer<typeof messageMeta>;

const bounded = ({ min, max }: { min: number; max: number }) => z.number().int().min(min).max(max);

/** An organization's routing choices; every field has a default (ROUTING_DEFAULTS). */
export const routingSettingsSchema = z
  .object({
    /** A transfer's target takes it at once, without pressing Accept. */
    autoAcceptTransfers: z.boolean(),
    /** A transfer nobody accepts within this returns to the queue. */
    transferTimeoutSeconds: bounded(ROUTING_LIMITS.transferTimeoutSeconds),
    /** An online agent with no activity in the console for this long shows as away. */
    awayAfterMinutes: bounded(ROUTING_LIMITS.awayAfterMinutes),
    /** An open or pending conversation without activity this long is resolved; 0: never. */
    autoResolveHours: bounded(ROUTING_LIMITS.autoResolveHours),
    /** Every agent may see the "All" tab, not only supervisors and up. */
    agentsSeeAll: z.boolean(),
  })
  .meta({ id: 'RoutingSettings' });
export type RoutingSettings = z.infer<typeof routingSettingsSchema>;

// ---- presence ----

/** An agent picks their own status; there is no field to name anyone else. */
export const presenceSetPayload = z.strictObject({ status: presenceStatus });
export type PresenceSetPayload = z.input<typeof presenceSetPayload>;

/** The console saw the agent at work (input, focus): sent at most once a minute. */
export const presenceActivityPayload = z.strictObject({}).optional();

/** An agent's own presence: what routing sees, and what they chose. */
export const ownPresenceSchema = z
  .object({ presence: presenceStatus, chosenStatus: presenceStatus })
  .meta({ id: 'OwnPresence' });
export type OwnPresence = z.infer<typeof ownPresenceSchema>;

/** A colleague as the console lists them with their presence (the transfer dialog, Team). */
export const agentPresenceSchema = z
  .object({ agentId: z.string(), name: z.string(), presence: presenceStatus })
  .meta({ id: 'AgentPresence' });
export type AgentPresence = z.infer<typeof agentPresenceSchema>;
/**
 * A BCP 47 language tag as a browser reports it (`navigator.language`): well-formed, at most 35
 * characters, stored in its canonical case (`pt-br` → `pt-BR`).
 */
export const languageTag = z
  .string()
  .max(35)
  .transform((tag, ctx) => {
    try {
      return Intl.getCanonicalLocales(tag)[0]!;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag' });
      return z.NEVER;
    }
  });

/** Where a waiting visitor is in line; `position` null: not waiting (an agent has it). */
export const queuePositionSchema = z
  .object({
    conversationId: z.string(),
    /** 1 for the next one an agent gets. */
    position: z.number().int().min(1).nullable(),
    /**
     * Position × the median recent handling time (assigned → resolved) ÷ the online agents'
     * chat slots; null when there is no history or nobody is online.
     */
    estimatedWaitSeconds: z.number().int().min(0).nullable(),
  })
  .meta({ id: 'QueuePosition' });
export type QueuePosition = z.infer<typeof queuePositionSchema>;
