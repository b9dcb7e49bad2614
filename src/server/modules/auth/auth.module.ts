import { parleyModule } from '../../http/module';
import { authRoutes, type AuthRouteDeps } from './auth.routes';

export const authModule = parleyModule<AuthRouteDeps>('auth', authRoutes);
