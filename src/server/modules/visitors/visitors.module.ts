import { parleyModule } from '../../http/module';
import { visitorProfileRoutes, type VisitorProfileRouteDeps } from './visitor-profiles.routes';
import { visitorRoutes, type VisitorRouteDeps } from './visitors.routes';

export const visitorsModule = parleyModule<VisitorRouteDeps & VisitorProfileRouteDeps>(
  'visitors',
  (app, deps) => {
    visitorRoutes(app, deps);
    visitorProfileRoutes(app, deps);
  },
);
