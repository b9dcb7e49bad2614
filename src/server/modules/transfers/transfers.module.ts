import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import type { Realtime } from '../../realtime/gateway';
import { transferEvents } from './transfers.events';
import { transferRoutes } from './transfers.routes';
import type { TransfersService } from './transfers.service';

export const transfersModule = parleyModule<{
  transfers: TransfersService;
  guards: AgentRouteGuards;
  realtime: Realtime;
}>('transfers', (app, { transfers, guards, realtime }) => {
  transferRoutes(app, transfers, guards);
  transferEvents(realtime, transfers);
});
