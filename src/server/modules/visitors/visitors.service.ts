import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors';
import { hashToken, newToken, now } from '../../tokens';
import type { CreateVisitorBody, CreateVisitorReply } from '../../../protocol/schemas';
import type { SitesRepository, Site } from '../sites/sites.repository';
import { checkEmbedOrigin } from '../sites/embed-origin';
import type { VisitorsRepository } from './visitors.repository';

/** A visitor who proved its token, as services see it. */
export interface VisitorIdentity {
  id: string;
  orgId: string;
  siteId: string;
  name: string | null;
}

/** Where a visitor request comes from: its Origin and Host headers and the claimed page origin. */
export interface EmbedContext {
  origin: string | undefined;
  host: string | undefined;
  pageOrigin: string | undefined;
}

export class VisitorsService {
  constructor(
    private readonly sites: SitesRepository,
    private readonly visitors: VisitorsRepository,
  ) {}

  /** Makes an anonymous visitor and returns its token, the only copy there will ever be. */
  async create(
    body: CreateVisitorBody,
    origin: Omit<EmbedContext, 'pageOrigin'>,
  ): Promise<CreateVisitorReply> {
    const site = await this.allowedSite(body.siteKey, { ...origin, pageOrigin: body.pageOrigin });
    const token = newToken();
    const at = now();
    const id = randomUUID();
    await this.visitors.insert({
      id,
      org_id: site.orgId,
      site_id: site.id,
      token_hash: hashToken(token),
      name: null,
      created_at: at,
      last_seen_at: at,
    });
    return { visitorId: id, token };
  }

  /** The visitor a token belongs to, on a site that allows the caller's origin. */
  async authenticate(
    siteKey: string,
    token: string,
    embed: EmbedContext,
  ): Promise<VisitorIdentity> {
    const site = await this.allowedSite(siteKey, embed);
    const row = await this.visitors.findByToken(site.id, hashToken(token));
    if (!row) throw new AppError('unauthorized', 'Unknown visitor token');
    return { id: row.id, orgId: row.org_id, siteId: row.site_id, name: row.name };
  }

  private async allowedSite(siteKey: string, embed: EmbedContext): Promise<Site> {
    const site = await this.sites.findByWidgetKey(siteKey);
    if (!site) throw new AppError('unauthorized', 'Unknown site key');
    checkEmbedOrigin(site, embed.origin, embed.host, embed.pageOrigin);
    return site;
  }
}
