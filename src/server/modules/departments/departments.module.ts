import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import { departmentRoutes } from './departments.routes';
import type { DepartmentsService } from './departments.service';
import type { RoutingSettingsService } from './routing-settings';

export const departmentsModule = parleyModule<{
  departments: DepartmentsService;
  routing: RoutingSettingsService;
  guards: AgentRouteGuards;
}>('departments', (app, { departments, routing, guards }) =>
  departmentRoutes(app, departments, routing, guards),
);
