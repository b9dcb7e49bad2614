import { agentClaimPayload, visitorQueuePayload } from '../../../protocol/queue-schemas';
import type { Realtime } from '../../realtime/gateway';
import type { RoutingService } from './routing.service';

/** Claim and take over (agents) and the queue position (visitors): thin, like the routes. */
export function routingEvents(realtime: Realtime, routing: RoutingService): void {
  realtime.agentEvents.on('conversation:claim', agentClaimPayload, async (actor, p) => ({
    conversation: await routing.claim(actor, p.conversationId),
  }));
  realtime.agentEvents.on('conversation:take-over', agentClaimPayload, async (actor, p) => ({
    conversation: await routing.takeOver(actor, p.conversationId),
  }));
  realtime.visitorEvents.on('queue:position', visitorQueuePayload, (identity, p) =>
    routing.queuePosition(identity, p),
  );
}
