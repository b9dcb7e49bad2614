import { parleyModule } from '../../http/module';
import { identityRoutes, type IdentityRouteDeps } from './identity.routes';

export const identityModule = parleyModule<IdentityRouteDeps>('identity', identityRoutes);
