import type { Availability } from '../../../protocol/offline-schemas';
import type { DomainEvents } from '../../domain-events';
import type { OfflineRepository } from './offline.repository';

/**
 * Whether a site's visitors can chat now: yes while an active agent of the site's department
 * (of the whole organization when the site has none) is online. Presence itself is kept by the
 * presence service; this only reads `agents.presence`.
 */
export class SiteAvailability {
  constructor(
    private readonly repo: OfflineRepository,
    private readonly events: DomainEvents,
  ) {}

  async forSite(orgId: string, siteId: string): Promise<Availability> {
    const department = await this.repo.siteDepartment(orgId, siteId);
    return (await this.repo.anyoneOnline(orgId, department)) ? 'online' : 'offline';
  }

  /**
   * After an agent's presence changes (or they are deactivated), tells every live site of their
   * organization whether someone can chat now. Each site is worked out again rather than compared
   * with a remembered state: what a node remembered could be stale on another node.
   */
  followPresence(): void {
    const announce = async ({ orgId }: { orgId: string }) => {
      for (const siteId of await this.repo.liveSites(orgId)) {
        const availability = await this.forSite(orgId, siteId);
        this.events.emit('site.availability', { orgId, siteId, availability });
      }
    };
    this.events.on('agent.presence', announce);
    this.events.on('agent.deactivated', announce);
  }
}
