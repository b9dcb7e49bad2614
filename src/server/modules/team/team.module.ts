import { parleyModule } from '../../http/module';
import type { OriginPolicy } from '../../http/origin-policy';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import { teamRoutes } from './team.routes';
import type { TeamService } from './team.service';

export const teamModule = parleyModule<{
  team: TeamService;
  guards: AgentRouteGuards;
  origins: OriginPolicy;
}>('team', (app, { team, guards, origins }) => teamRoutes(app, team, guards, origins));
