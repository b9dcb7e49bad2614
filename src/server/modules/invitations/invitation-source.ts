import type { InvitationOffer, InvitationRule } from '../../../protocol/visitor-schemas';

/** What the track route knows of a beacon when it asks whether to invite the visitor now. */
export interface InvitationContext {
  orgId: string;
  siteId: string;
  visitorId: string;
  visitId: string;
  url: string;
  referrer: string;
  secondsOnPage: number;
  visitNumber: number;
  /** The site's rules as the beacon already read them with its site, so none reads them again. */
  rules: readonly InvitationRule[];
}

/**
 * Asked after each ingested beacon: the invitation the loader shows now, or null. A manual one an
 * agent sent comes first, else the first matching rule of the site not yet shown this visit;
 * never while the visitor is chatting. What it returns counts as shown.
 */
export interface InvitationSource {
  offerFor(ctx: InvitationContext): Promise<InvitationOffer | null>;
}
