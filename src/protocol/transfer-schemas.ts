/**
 * Transfers of a conversation to another agent or to a department (issue 10): what the console
 * sends and what it is told. Apart from routing-schemas.ts because these build on schemas.ts.
 */
import { z } from 'zod';
import { presenceStatus } from './routing-schemas';
import { conversationSchema, entityId, messageBody } from './schemas';

/**
 * requested: waiting for the target to accept; accepted: the target (or a member of the target
 * department) has the conversation; expired: nobody accepted in time, it went back to the queue;
 * cancelled: a newer transfer of the same conversation replaced it.
 */
export const transferStatus = z.enum(['requested', 'accepted', 'expired', 'cancelled']);
export type TransferStatus = z.infer<typeof transferStatus>;

export const transferSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    fromAgentId: z.string().nullable(),
    /** Exactly one of toAgentId and toDepartmentId is set. */
    toAgentId: z.string().nullable(),
    toDepartmentId: z.string().nullable(),
    status: transferStatus,
    /** Who took the conversation, once accepted (for a department: the member who was first). */
    acceptedBy: z.string().nullable(),
    createdAt: z.string(),
    /** Past this, a transfer still requested returns the conversation to the queue. */
    expiresAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'Transfer' });
export type Transfer = z.infer<typeof transferSchema>;

const oneTarget = (t: { toAgentId?: string | undefined; toDepartmentId?: string | undefined }) =>
  (t.toAgentId === undefined) !== (t.toDepartmentId === undefined);
const ONE_TARGET = { message: 'give exactly one of toAgentId and toDepartmentId' };

const transferFields = {
  toAgentId: entityId.optional(),
  toDepartmentId: entityId.optional(),
  /** The internal note for the target: agents only, kept on the timeline. */
  note: messageBody.optional(),
};

/** `POST /api/v1/conversations/:id/transfers`. */
export const transferBody = z.object(transferFields).refine(oneTarget, ONE_TARGET);
export type TransferBody = z.input<typeof transferBody>;

/** `transfer:request` over the agent socket. */
export const transferRequestPayload = z
  .object({ conversationId: entityId, ...transferFields })
  .refine(oneTarget, ONE_TARGET);
/** `transfer:accept` over the agent socket. */
export const transferAcceptPayload = z.object({ transferId: entityId });

export const transferReplySchema = z.object({ transfer: transferSchema });
export const transferAcceptedSchema = z.object({
  transfer: transferSchema,
  conversation: conversationSchema,
});
export const pendingTransfersSchema = z.object({ transfers: z.array(transferSchema) });

/** Whom an agent may transfer to: the organization's active agents and its departments. */
export const transferTargetsSchema = z
  .object({
    agents: z.array(z.object({ id: z.string(), name: z.string(), presence: presenceStatus })),
    departments: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .meta({ id: 'TransferTargets' });
export type TransferTargets = z.infer<typeof transferTargetsSchema>;
