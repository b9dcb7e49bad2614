import { parleyModule } from '../../http/module';
import { refusedOriginRoutes, type RefusedOriginRouteDeps } from './refused-origins.routes';

/** The loader's "may I embed here?" and the owner's list of refused origins with "Allow". */
export const refusedOriginsModule = parleyModule<RefusedOriginRouteDeps>(
  'refused-origins',
  refusedOriginRoutes,
);
