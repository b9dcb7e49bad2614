import type { InvitationOffer } from '../../../protocol/visitor-schemas';

/** What the track route knows when it asks whether to invite the visitor now. */
export interface InvitationContext {
  orgId: string;
  siteId: string;
  visitorId: string;
  visitId: string;
  url: string;
  referrer: string;
  secondsOnPage: number;
  visitNumber: number;
}

/** Decides which invitation, if any, a beacon's reply carries (proactive chat implements it). */
export interface InvitationSource {
  offerFor(ctx: InvitationContext): Promise<InvitationOffer | null>;
}

/** Until proactive chat is wired: nobody is invited. */
export const noInvitations: InvitationSource = {
  offerFor: () => Promise.resolve(null),
};
