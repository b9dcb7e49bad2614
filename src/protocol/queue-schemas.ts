/**
 * Payloads of the queue, claim and take-over events (issue 10). Apart from routing-schemas.ts,
 * which schemas.ts imports, because these build on schemas.ts's ids.
 */
import { z } from 'zod';
import { entityId } from './schemas';

/** Claim a waiting conversation, or (supervisors) take one over from its agent. */
export const agentClaimPayload = z.object({ conversationId: entityId });

/** Where the visitor's current (or named) conversation is in line. */
export const visitorQueuePayload = z.object({ conversationId: entityId.optional() });
