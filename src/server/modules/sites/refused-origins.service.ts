import { actorRef, type Actor } from '../../core/actor';
import { authorize } from '../../core/policy';
import { isoNow, type Clock } from '../../core/clock';
import { notFound } from '../../errors';
import { isExactOrigin, type RefusedOrigin, type WidgetConfig } from '../../../protocol/embedding';
import { sitePolicy } from './sites.policy';
import type { SitesRepository } from './sites.repository';
import type { RefusedOriginsRepository } from './refused-origins.repository';
import { trackAtOf } from '../invitations/invitation-rules';

/** Where a refusal is told to the operator: the server's log. */
export interface RefusalLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** How many (site, origin) pairs a node remembers having logged; the oldest is forgotten first. */
const REMEMBERED_REFUSALS = 1000;
/** A refusal already recorded is recorded again (its time and count) at most this often per node. */
const RECORD_AGAIN_AFTER_MS = 5 * 60_000;

/**
 * Whether a page may embed a site's widget, asked by the loader before it draws anything; and the
 * origins that were refused, for owners to allow with one click.
 */
export class RefusedOriginsService {
  /** `site id + origin` → when this node last recorded it; a Map keeps insertion order. */
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly sites: SitesRepository,
    private readonly refused: RefusedOriginsRepository,
    private readonly log: RefusalLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Answers only "may this origin embed this key": what the frame's own CSP already tells anyone
   * who asks. `origin` is the browser's; without one there is nothing to allow.
   */
  async check(siteKey: string, origin: string | undefined): Promise<WidgetConfig> {
    const site = await this.sites.findByWidgetKey(siteKey);
    if (!site) return { allowed: false, code: 'unknown_site' };
    // Browsers send origins as the allowlist keeps them: lower case, without a default port.
    if (origin !== undefined && site.allowedOrigins.includes(origin)) {
      const { enabled, requireConsent, honorDoNotTrack } = site.tracking;
      return {
        allowed: true,
        widget: site.widget,
        tracking: {
          enabled,
          requireConsent,
          honorDoNotTrack,
          trackAt: trackAtOf(site.invitationRules),
        },
      };
    }
    // A missing, opaque ("null") or odd origin is refused but not worth showing to the owner.
    if (origin && isExactOrigin(origin)) await this.noteRefusal(site.orgId, site.id, origin);
    return { allowed: false, code: 'origin_not_allowed' };
  }

  async list(actor: Actor, siteId: string): Promise<RefusedOrigin[]> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can see refused origins');
    if (!(await this.sites.findForOrg(actor.orgId, siteId))) throw notFound('Site');
    return this.refused.list(actor.orgId, siteId);
  }

  /** Allows one origin on a site (owners and admins); the site's allowed origins after it. */
  async allow(actor: Actor, siteId: string, origin: string): Promise<string[]> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can change a site');
    const origins = await this.refused.allow(actor.orgId, siteId, origin);
    if (!origins) throw notFound('Site');
    this.recent.delete(`${siteId} ${origin}`);
    this.log.info({ siteId, origin, by: actorRef(actor) }, 'embed origin allowed');
    return origins;
  }

  /** Logs a refused origin once and records it now and then, so a busy shop costs no writes. */
  private async noteRefusal(orgId: string, siteId: string, origin: string): Promise<void> {
    const key = `${siteId} ${origin}`;
    const now = this.clock.now();
    const last = this.recent.get(key);
    if (last !== undefined && now - last < RECORD_AGAIN_AFTER_MS) return;
    if (last === undefined) {
      this.log.warn(
        { siteId, origin },
        `origin ${origin} is not allowed for this site; add it in Settings → Sites`,
      );
    }
    this.recent.delete(key);
    this.recent.set(key, now);
    if (this.recent.size > REMEMBERED_REFUSALS) {
      this.recent.delete(this.recent.keys().next().value as string);
    }
    await this.refused.record(orgId, siteId, origin, isoNow(this.clock));
  }
}
