import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import type { Realtime } from '../../realtime/gateway';
import { routingEvents } from './routing.events';
import { routingRoutes } from './routing.routes';
import type { RoutingService } from './routing.service';

export const routingModule = parleyModule<{
  routing: RoutingService;
  guards: AgentRouteGuards;
  realtime: Realtime;
}>('routing', (app, { routing, guards, realtime }) => {
  routingRoutes(app, routing, guards);
  routingEvents(realtime, routing);
});
