/**
 * Visitors (issue 11): tracking beacons from the loader, the live visitors view, the visitor
 * profile, identity verification and proactive invitations. Kept apart from schemas.ts so that
 * this feature's payloads merge without touching the core's.
 */
import { z } from 'zod';
import { EMAIL_PATTERN, MAX_VISITOR_EMAIL, MAX_VISITOR_NAME } from './limits';
import { plainText } from './schemas';

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

// ---- Lane A: tracking settings, the loader's part of the embed check, the track body ----

/** A site's privacy choices for tracking (Settings → Sites). */
export const trackingSettings = z.object({
  /** Off: the loader sends nothing and the server stores nothing. */
  enabled: z.boolean(),
  /** Nothing is sent until the host page calls `Parley.consent(true)`. */
  requireConsent: z.boolean(),
  /** When the browser sends Do-Not-Track or Global Privacy Control, nothing is sent. */
  honorDoNotTrack: z.boolean(),
  /** How a visit keeps the visitor's address: IPv4 /24 and IPv6 /48, whole, or not at all. */
  addresses: z.enum(['truncated', 'full', 'none']),
});
export type TrackingSettings = z.infer<typeof trackingSettings>;

export const DEFAULT_TRACKING_SETTINGS: TrackingSettings = {
  enabled: true,
  requireConsent: false,
  honorDoNotTrack: true,
  addresses: 'truncated',
};

/** What the loader needs of the settings, in the embed check's reply. */
export const loaderTracking = trackingSettings.omit({ addresses: true }).extend({
  /** Seconds on a page at which a site's invitation rules want a `time` beacon (lane D). */
  trackAt: z.array(z.number()).optional(),
});
export type LoaderTracking = z.infer<typeof loaderTracking>;

/** Events one request may carry at all; beyond `eventsPerBatch` they are counted, not stored. */
export const MAX_EVENTS_PER_REQUEST = 1000;

/**
 * The track route's body: `trackBatch` whose events are checked one by one, so one bad or
 * surplus event is counted as dropped instead of refusing the others.
 */
export const trackBody = trackBatch.extend({
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_REQUEST),
});

// ---------------------------------------------------------------------------------------------
// Lane B (console): the live list's reply, the profile's pre-chat answers, agents' edits.
// ---------------------------------------------------------------------------------------------

/**
 * GET /api/v1/visitors/live's reply: at most LIVE_VISITORS_MAX rows, the latest seen first, and
 * the organization's sites by name (for the site filter; every agent may read the names).
 */
export const liveVisitorsReply = z.object({
  visitors: z.array(liveVisitor),
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type LiveVisitorsReply = z.infer<typeof liveVisitorsReply>;
export const LIVE_VISITORS_MAX = 500;

/** What the visitor answered in the widget's pre-chat form (name and email are the profile's). */
export const preChatAnswers = z.object({
  /** The department picked in the form, by name; null when none was offered or picked. */
  department: z.string().nullable(),
});

/** GET /api/v1/visitors/:id's reply: the profile and the pre-chat form's answers. */
export const visitorProfileReply = visitorProfile.extend({ preChat: preChatAnswers });
export type VisitorProfileReply = z.infer<typeof visitorProfileReply>;

/** Longest agents' notes about one visitor. */
export const MAX_VISITOR_NOTES = 4000;

/** PATCH /api/v1/visitors/:id — an agent corrects the name or email, or writes notes; '' clears. */
export const visitorProfileChanges = z
  .object({
    name: plainText(MAX_VISITOR_NAME)
      .transform((s) => s.trim())
      .refine((s) => s.isWellFormed(), {
        message: 'must be well-formed UTF-16 text',
        params: { code: 'invalid_text' },
      })
      .optional(),
    email: plainText(MAX_VISITOR_EMAIL)
      .transform((s) => s.trim())
      .refine((s) => s === '' || EMAIL_PATTERN.test(s), {
        message: 'must be an email address',
        params: { code: 'invalid_email' },
      })
      .optional(),
    notes: plainText(MAX_VISITOR_NOTES)
      .refine((s) => s.isWellFormed(), {
        message: 'must be well-formed UTF-16 text',
        params: { code: 'invalid_text' },
      })
      .optional(),
  })
  .strict();
export type VisitorProfileChanges = z.infer<typeof visitorProfileChanges>;
// ---------------------------------------------------------------------------------------------
// Identity verification and the JavaScript API (lane C)
// ---------------------------------------------------------------------------------------------

const noNul = (s: string) => !s.includes('\u0000');
const identityText = (max: number) => z.string().max(max).refine(noNul, 'must not contain NUL');

export const IDENTITY_LIMITS = {
  /** The customer's user id. */
  id: 256,
  name: 100,
  email: 254,
  attributes: 50,
  attributeKey: 64,
  attributeValue: 512,
} as const;

/**
 * POST /api/v1/widget/identify — `Parley.identify(...)` from the host page. `hash` is the hex
 * HMAC-SHA256 of `id` under the site's identity secret, computed by the customer's backend.
 */
export const identifyBody = z.object({
  siteKey: identityText(64).min(1),
  visitorId: identityText(64).min(1),
  token: identityText(256).min(1),
  id: identityText(IDENTITY_LIMITS.id).min(1),
  name: identityText(IDENTITY_LIMITS.name).optional(),
  email: identityText(IDENTITY_LIMITS.email).optional(),
  attributes: z
    .record(
      identityText(IDENTITY_LIMITS.attributeKey),
      identityText(IDENTITY_LIMITS.attributeValue),
    )
    .refine((a) => Object.keys(a).length <= IDENTITY_LIMITS.attributes, {
      message: `at most ${IDENTITY_LIMITS.attributes} attributes`,
    })
    .optional(),
  hash: identityText(128).optional(),
  pageOrigin: z.string().max(512).optional(),
});
export type IdentifyBody = z.infer<typeof identifyBody>;

/**
 * The identity the loader keeps from now on. `token` is null when the visitor stays the same one;
 * otherwise the loader replaces its stored identity (the verified user's visitor, or a fresh one).
 */
export const identifyReply = z.object({
  visitorId: z.string(),
  token: z.string().nullable(),
  verified: z.boolean(),
});
export type IdentifyReply = z.infer<typeof identifyReply>;

/** Settings → Sites: whether a site has an identity secret, and whether identify must prove it. */
export const siteIdentitySettings = z.object({
  /** When the secret was made or last rotated; null: none yet. */
  secretCreatedAt: z.string().nullable(),
  required: z.boolean(),
});
export type SiteIdentitySettings = z.infer<typeof siteIdentitySettings>;

export const updateSiteIdentityBody = z.object({ required: z.boolean() });

/** The new secret: shown once, never again (only the owner's copy exists afterwards). */
export const identitySecretReply = z.object({
  secret: z.string(),
  identity: siteIdentitySettings,
});
export type IdentitySecretReply = z.infer<typeof identitySecretReply>;
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
