import type { AgentRole } from '../../protocol/schemas';
import type {
  CreateSiteBody,
  Invite,
  InviteBody,
  InviteInfo,
  OrganizationSettings,
  PendingInvite,
  SessionView,
  SiteSettings,
  TeamMember,
  UpdateOrganizationBody,
  UpdateSiteBody,
} from '../../protocol/settings-schemas';
import { requestJson } from './http';

export const listSites = async () =>
  (await requestJson<{ sites: SiteSettings[] }>('GET', '/api/v1/sites')).sites;
export const createSite = async (body: CreateSiteBody) =>
  (await requestJson<{ site: SiteSettings }>('POST', '/api/v1/sites', { body })).site;
export const updateSite = async (id: string, body: UpdateSiteBody) =>
  (await requestJson<{ site: SiteSettings }>('PATCH', `/api/v1/sites/${id}`, { body })).site;
export const deleteSite = (id: string) => requestJson<null>('DELETE', `/api/v1/sites/${id}`);

export const fetchTeam = () =>
  requestJson<{ members: TeamMember[]; invites: PendingInvite[] }>('GET', '/api/v1/team');
export const sendInvite = async (body: InviteBody) =>
  (await requestJson<{ invite: Invite }>('POST', '/api/v1/team/invites', { body })).invite;
export const changeRole = async (id: string, role: AgentRole) =>
  (
    await requestJson<{ agent: TeamMember }>('PATCH', `/api/v1/team/agents/${id}`, {
      body: { role },
    })
  ).agent;
export const deactivateAgent = async (id: string) =>
  (await requestJson<{ agent: TeamMember }>('POST', `/api/v1/team/agents/${id}/deactivate`)).agent;

export const lookupInvite = async (token: string) =>
  (
    await requestJson<{ invite: InviteInfo }>('POST', '/api/v1/invites/lookup', {
      body: { token },
      unauthorizedIsExpected: true,
    })
  ).invite;
export const acceptInvite = (token: string, name: string, password: string) =>
  requestJson<unknown>('POST', '/api/v1/invites/accept', {
    body: { token, name, password },
    unauthorizedIsExpected: true,
  });

export const fetchOrganization = async () =>
  (await requestJson<{ organization: OrganizationSettings }>('GET', '/api/v1/organization'))
    .organization;
export const updateOrganization = async (body: UpdateOrganizationBody) =>
  (
    await requestJson<{ organization: OrganizationSettings }>('PATCH', '/api/v1/organization', {
      body,
    })
  ).organization;

export const changePassword = (currentPassword: string, newPassword: string) =>
  requestJson<null>('POST', '/api/v1/me/password', { body: { currentPassword, newPassword } });
export const fetchSessions = async () =>
  (await requestJson<{ sessions: SessionView[] }>('GET', '/api/v1/me/sessions')).sessions;
export const endSession = (id: string) => requestJson<null>('DELETE', `/api/v1/me/sessions/${id}`);
export const setUpTwoFactor = () =>
  requestJson<{ secret: string; uri: string; qrCode: string }>(
    'POST',
    '/api/v1/me/two-factor/setup',
  );
export const enableTwoFactor = async (code: string) =>
  (
    await requestJson<{ recoveryCodes: string[] }>('POST', '/api/v1/me/two-factor/enable', {
      body: { code },
    })
  ).recoveryCodes;
export const regenerateRecoveryCodes = async (code: string) =>
  (
    await requestJson<{ recoveryCodes: string[] }>('POST', '/api/v1/me/two-factor/recovery-codes', {
      body: { code },
    })
  ).recoveryCodes;
export const disableTwoFactor = (currentPassword: string, code: string) =>
  requestJson<null>('POST', '/api/v1/me/two-factor/disable', { body: { currentPassword, code } });
