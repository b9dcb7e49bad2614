import { transferAcceptPayload, transferRequestPayload } from '../../../protocol/transfer-schemas';
import type { Realtime } from '../../realtime/gateway';
import type { TransfersService } from './transfers.service';

/** The agent socket's transfer events: thin, like the routes of the same names. */
export function transferEvents(realtime: Realtime, transfers: TransfersService): void {
  const agent = realtime.agentEvents;
  agent.on('transfer:request', transferRequestPayload, async (actor, p) => ({
    transfer: await transfers.request(actor, p.conversationId, p),
  }));
  agent.on('transfer:accept', transferAcceptPayload, (actor, p) =>
    transfers.accept(actor, p.transferId),
  );
}
