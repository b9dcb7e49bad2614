import type { Actor } from '../../core/actor';
import { authorize } from '../../core/policy';
import { notFound } from '../../errors';
import type { SiteLimitsBody, SiteView } from '../../../protocol/schemas';
import { sitePolicy } from './sites.policy';
import type { Site, SitesRepository } from './sites.repository';

/** The organization's sites, as the console shows and (for owners and admins) edits them. */
export class SitesService {
  constructor(private readonly sites: SitesRepository) {}

  /** The origins that may embed (and frame) a site's widget; undefined for an unknown key. */
  async allowedOrigins(widgetKey: string): Promise<string[] | undefined> {
    return (await this.sites.findByWidgetKey(widgetKey))?.allowedOrigins;
  }

  /** The site the built-in /demo page embeds: the first one made. */
  async demoWidgetKey(): Promise<string | undefined> {
    return (await this.sites.findFirst())?.widgetKey;
  }

  async list(actor: Actor): Promise<SiteView[]> {
    authorize(sitePolicy.read(actor), 'You may not see sites');
    return (await this.sites.listForOrg(actor.orgId)).map(toSiteView);
  }

  async update(actor: Actor, siteId: string, changes: SiteLimitsBody): Promise<SiteView> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can change a site');
    const site = await this.sites.findForOrg(actor.orgId, siteId);
    if (!site) throw notFound('Site');
    if (changes.visitorMessagesPerMinute !== undefined) {
      await this.sites.updateLimits(actor.orgId, siteId, {
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
