import type { RefusedOrigin } from '../../protocol/embedding';
import type { InvitationRule } from '../../protocol/visitor-schemas';
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
