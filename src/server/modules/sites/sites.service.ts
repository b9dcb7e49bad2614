import { AppError, notFound } from '../../errors';
import type { SiteLimitsBody, SiteView } from '../../../protocol/schemas';
import type { AgentIdentity } from '../auth/auth.service';
import type { Site, SitesRepository } from './sites.repository';

/** The organization's sites, as the console shows and (for owners and admins) edits them. */
export class SitesService {
  constructor(private readonly sites: SitesRepository) {}

  async list(agent: AgentIdentity): Promise<SiteView[]> {
    return (await this.sites.listForOrg(agent.orgId)).map(toSiteView);
  }

  async update(agent: AgentIdentity, siteId: string, changes: SiteLimitsBody): Promise<SiteView> {
    if (agent.role !== 'owner' && agent.role !== 'admin') {
      throw new AppError('forbidden', 'Only owners and admins can change a site');
    }
    const site = await this.sites.findForOrg(agent.orgId, siteId);
    if (!site) throw notFound('Site');
    if (changes.visitorMessagesPerMinute !== undefined) {
      await this.sites.updateLimits(agent.orgId, siteId, {
        visitorMessagesPerMinute: changes.visitorMessagesPerMinute,
      });
    }
    return toSiteView({ ...site, ...changes });
  }
}

function toSiteView(site: Site): SiteView {
  return {
    id: site.id,
    name: site.name,
    widgetKey: site.widgetKey,
    allowedOrigins: site.allowedOrigins,
    visitorMessagesPerMinute: site.visitorMessagesPerMinute,
  };
}
