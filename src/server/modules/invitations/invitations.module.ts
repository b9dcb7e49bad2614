import { parleyModule } from '../../http/module';
import { invitationRoutes, type InvitationRouteDeps } from './invitations.routes';

/** Proactive invitations: agents' and sites' rules', the loader's dismiss, the frame's reply. */
export const invitationsModule = parleyModule<InvitationRouteDeps>('invitations', invitationRoutes);
