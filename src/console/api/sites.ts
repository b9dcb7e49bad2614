import type { RefusedOrigin } from '../../protocol/embedding';
import type {
  IdentitySecretReply,
  InvitationRule,
  SiteIdentitySettings,
} from '../../protocol/visitor-schemas';
import { requestJson } from './http';

/** Origins the site's widget was refused on lately, newest first. */
export async function fetchRefusedOrigins(siteId: string): Promise<RefusedOrigin[]> {
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/refused-origins`;
  return (await requestJson<{ origins: RefusedOrigin[] }>('GET', path)).origins;
}

/** Lets one more origin embed the site; its allowed origins after that. */
export async function allowOrigin(siteId: string, origin: string): Promise<string[]> {
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/allowed-origins`;
  const reply = await requestJson<{ allowedOrigins: string[] }>('POST', path, { body: { origin } });
  return reply.allowedOrigins;
}

/** Whether the site has an identity secret, and whether identify must prove it. */
export async function fetchSiteIdentity(siteId: string): Promise<SiteIdentitySettings> {
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/identity`;
  return (await requestJson<{ identity: SiteIdentitySettings }>('GET', path)).identity;
}

/** Makes or rotates the site's identity secret: the reply is the only time it is shown. */
export async function rotateIdentitySecret(siteId: string): Promise<IdentitySecretReply> {
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/identity/secret`;
  return requestJson<IdentitySecretReply>('POST', path);
}

export async function setIdentityRequired(
  siteId: string,
  required: boolean,
): Promise<SiteIdentitySettings> {
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/identity`;
  const reply = await requestJson<{ identity: SiteIdentitySettings }>('PATCH', path, {
    body: { required },
  });
  return reply.identity;
}

/** A site's automatic invitation rules, in the order they are tried. */
export async function fetchInvitationRules(siteId: string): Promise<InvitationRule[]> {
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/invitation-rules`;
  return (await requestJson<{ rules: InvitationRule[] }>('GET', path)).rules;
}

/** Replaces a site's automatic invitation rules; the rules as stored. */
export async function saveInvitationRules(
  siteId: string,
  rules: InvitationRule[],
): Promise<InvitationRule[]> {
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/invitation-rules`;
  return (await requestJson<{ rules: InvitationRule[] }>('PUT', path, { body: { rules } })).rules;
}
