import { parleyModule } from '../../http/module';
import { visitorRoutes, type VisitorRouteDeps } from './visitors.routes';

export const visitorsModule = parleyModule<VisitorRouteDeps>('visitors', visitorRoutes);
