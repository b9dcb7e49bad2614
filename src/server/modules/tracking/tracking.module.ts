import { parleyModule } from '../../http/module';
import { trackingRoutes, type TrackingRouteDeps } from './tracking.routes';

export const trackingModule = parleyModule<TrackingRouteDeps>('tracking', trackingRoutes);
