/**
 * Visitors (issue 11): tracking beacons from the loader, the live visitors view, the visitor
 * profile, identity verification and proactive invitations. Kept apart from schemas.ts so that
 * this feature's payloads merge without touching the core's.
 */
import { z } from 'zod';

/** Limits on what a browsing visitor may send; longer text is cut, not refused. */
export const TRACKING_LIMITS = {
  /** Events in one beacon; the loader flushes before it has more. */
  eventsPerBatch: 50,
  url: 2048,
  title: 512,
  /** A `Parley.track` event's name, and its data once serialized as JSON. */
  eventName: 64,
  eventData: 2048,
} as const;

/**
 * What the loader reports. Times are the browser's own clock in ms since the epoch; the server
 * keeps its own receive time and uses the browser's only to order a batch.
 */
export const trackEvent = z.discriminatedUnion('type', [
  /** A page load, or a History API navigation in a single-page app (`spa: true`). */
  z.object({
    type: z.literal('page'),
    url: z.string(),
    title: z.string(),
    referrer: z.string(),
    spa: z.boolean(),
    at: z.number(),
  }),
  /** Seconds the visitor has spent on the current page so far, while it was visible. */
  z.object({ type: z.literal('time'), url: z.string(), seconds: z.number(), at: z.number() }),
  /** `Parley.track(name, data)` from the host page. */
  z.object({ type: z.literal('custom'), name: z.string(), data: z.unknown(), at: z.number() }),
]);
export type TrackEvent = z.infer<typeof trackEvent>;

/**
 * POST /api/v1/widget/track — sent with `fetch(keepalive)` or `navigator.sendBeacon` as
 * text/plain, so no preflight: the token travels in the body, not a header.
 */
export const trackBatch = z.object({
  siteKey: z.string().max(64),
  visitorId: z.string().max(64),
  token: z.string().max(128),
  /** The browser's time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`). */
  timeZone: z.string().max(64).optional(),
  language: z.string().max(35).optional(),
  events: z.array(trackEvent).max(TRACKING_LIMITS.eventsPerBatch),
});
export type TrackBatch = z.infer<typeof trackBatch>;

/** A proactive invitation, as the loader shows it: a message with "Reply" and "Dismiss". */
export const invitationOffer = z.object({
  id: z.string(),
  message: z.string(),
  /** The inviting agent's name; null for an automatic invitation by a site rule. */
  agentName: z.string().nullable(),
});
export type InvitationOffer = z.infer<typeof invitationOffer>;

/** The answer to a beacon: an invitation to show now, if any. */
export const trackReply = z.object({ invitation: invitationOffer.nullable() });
export type TrackReply = z.infer<typeof trackReply>;

/** Browser, OS and device, parsed on the server from the user agent. */
export const deviceInfo = z.object({
  browser: z.string().nullable(),
  os: z.string().nullable(),
  device: z.enum(['desktop', 'mobile', 'tablet']).nullable(),
});
export type DeviceInfo = z.infer<typeof deviceInfo>;

/** One row of the console's live visitors view. Every string in it is visitor-controlled text. */
export const liveVisitor = z.object({
  visitorId: z.string(),
  siteId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** The verified external id from `Parley.identify`, when its hash was right. */
  verified: z.boolean(),
  currentUrl: z.string().nullable(),
  currentTitle: z.string().nullable(),
  referrer: z.string().nullable(),
  /** When this visit started: time on site is now minus this. */
  visitStartedAt: z.string(),
  lastSeenAt: z.string(),
  pagesThisVisit: z.number(),
  /** 1 for a new visitor; more for a returning one. */
  visitCount: z.number(),
  country: z.string().nullable(),
  city: z.string().nullable(),
  device: deviceInfo,
  /** The open conversation, if the visitor is chatting, and its assignee's name. */
  conversationId: z.string().nullable(),
  assigneeName: z.string().nullable(),
});
export type LiveVisitor = z.infer<typeof liveVisitor>;

/** GET /api/v1/visitors/live: everyone on the agent's organization's sites right now. */
export const liveVisitorsQuery = z.object({
  siteId: z.string().optional(),
  country: z.string().max(2).optional(),
  /** A substring of the current page's URL. */
  page: z.string().max(200).optional(),
  chatting: z.enum(['yes', 'no']).optional(),
});
export type LiveVisitorsQuery = z.infer<typeof liveVisitorsQuery>;

/** One page of a visit's trail, oldest first. */
export const pageView = z.object({
  url: z.string(),
  title: z.string(),
  viewedAt: z.string(),
  /** Seconds spent on it while visible, as last reported. */
  seconds: z.number(),
});
export type PageView = z.infer<typeof pageView>;

/** GET /api/v1/visitors/:id — the profile beside a conversation. */
export const visitorProfile = z.object({
  visitor: liveVisitor.extend({
    /** Whether the visitor is on the site now. */
    online: z.boolean(),
    firstSeenAt: z.string(),
    language: z.string().nullable(),
    timeZone: z.string().nullable(),
    /** Custom attributes from `Parley.identify({ attributes })`. */
    attributes: z.record(z.string(), z.string()),
    /** The agents' notes about this visitor. */
    notes: z.string(),
  }),
  /** This (or the last) visit's pages, oldest first. */
  trail: z.array(pageView),
  visits: z.array(
    z.object({ startedAt: z.string(), pages: z.number(), referrer: z.string().nullable() }),
  ),
  conversations: z.array(
    z.object({ id: z.string(), status: z.string(), updatedAt: z.string(), preview: z.string() }),
  ),
});
export type VisitorProfile = z.infer<typeof visitorProfile>;

// ---- proactive invitations (lane D) ----

import { INVITATION_LIMITS } from './invitation-limits';
export { INVITATION_LIMITS };

/** An invitation's text: shown to the visitor as the agent's first message. */
const invitationMessage = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(INVITATION_LIMITS.message)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL');

/**
 * An automatic invitation: it fires for a visitor on a page whose URL matches `urlPattern` (`*`
 * for any characters; empty: every page), after `seconds` on that page, on visit number
 * `minVisit` or later (1: every visit), coming from a referrer containing `referrer` (empty: any).
 * Each rule fires at most once per visit.
 */
export const invitationRule = z.object({
  id: z.string().min(1).max(36),
  enabled: z.boolean(),
  message: invitationMessage,
  urlPattern: z.string().max(INVITATION_LIMITS.urlPattern),
  seconds: z.number().int().min(0).max(INVITATION_LIMITS.seconds),
  minVisit: z.number().int().min(1).max(INVITATION_LIMITS.visitNumber),
  referrer: z.string().max(INVITATION_LIMITS.referrer),
});
export type InvitationRule = z.infer<typeof invitationRule>;

/** PUT /api/v1/sites/:id/invitation-rules, and the reply of its GET. */
export const invitationRulesBody = z.object({
  rules: z.array(invitationRule).max(INVITATION_LIMITS.rulesPerSite),
});
export type InvitationRulesBody = z.infer<typeof invitationRulesBody>;

/** POST /api/v1/visitors/:id/invitations — an agent invites a browsing visitor. */
export const inviteVisitorBody = z.object({ message: invitationMessage });
export type InviteVisitorBody = z.infer<typeof inviteVisitorBody>;

/** An invitation as its agent sees it after sending. */
export const sentInvitation = z.object({
  id: z.string(),
  visitorId: z.string(),
  message: z.string(),
  createdAt: z.string(),
});
export type SentInvitation = z.infer<typeof sentInvitation>;

/** POST /api/v1/widget/invitations/:id/dismiss — from the loader, the token in the body. */
export const dismissInvitationBody = z.object({
  siteKey: z.string().max(64),
  visitorId: z.string().max(64),
  token: z.string().max(128),
});
export type DismissInvitationBody = z.infer<typeof dismissInvitationBody>;

/** Visitor socket `invitation:reply`: the visitor pressed "Reply"; its next message answers. */
export const invitationReplyPayload = z.strictObject({ invitationId: z.string().min(1).max(64) });
export type InvitationReplyPayload = z.infer<typeof invitationReplyPayload>;
