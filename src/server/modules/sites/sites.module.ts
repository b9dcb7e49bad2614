import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import { siteRoutes } from './sites.routes';
import type { SitesService } from './sites.service';

export const sitesModule = parleyModule<{ sites: SitesService; guards: AgentRouteGuards }>(
  'sites',
  (app, { sites, guards }) => siteRoutes(app, sites, guards),
);
