/** The REST bodies and replies of the Settings pages: sites, team, organization. */
import { trackingSettings } from './visitor-schemas';
import { z } from 'zod';
import { agentRole, entityId, plainText } from './schemas';
import { COLOR_PATTERN, MAX_ALLOWED_ORIGINS, parseAllowedOrigin } from './settings';
import { isUiLanguage, UI_LANGUAGES } from './ui-languages';

const isoTime = z.string().meta({ description: 'ISO 8601, UTC, with milliseconds' });

/** An allowed origin; refused with `invalid_origin` and the value, normalized when accepted. */
export const allowedOrigin = z
  .string()
  .max(300)
  .superRefine((value, ctx) => {
    if (parseAllowedOrigin(value) !== undefined) return;
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not an origin: write scheme://host[:port], without a path, wildcard or user name`,
      params: { code: 'invalid_origin' },
    });
  })
  .transform((value) => parseAllowedOrigin(value) ?? value);

export const accentColor = z
  .string()
  .max(32)
  .superRefine((value, ctx) => {
    if (COLOR_PATTERN.test(value)) return;
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a colour: write it as #rrggbb`,
      params: { code: 'invalid_color' },
    });
  })
  .transform((value) => value.toLowerCase());

/** Whether the pre-chat form asks for a field, and whether the visitor must fill it. */
export const preChatField = z.enum(['off', 'optional', 'required']);

const offset = z.number().int().min(0).max(400);

/** The texts an admin writes for visitors, with their lengths: the plain fields and per language. */
const WIDGET_TEXTS = {
  title: plainText(60),
  greeting: plainText(300),
  launcherLabel: plainText(40),
  offlineMessage: plainText(300),
};
export type WidgetTextName = keyof typeof WIDGET_TEXTS;

const localizedTextsSchema = z.object({
  title: z.string().optional(),
  greeting: z.string().optional(),
  launcherLabel: z.string().optional(),
  offlineMessage: z.string().optional(),
});
export type LocalizedWidgetTexts = z.infer<typeof localizedTextsSchema>;

/** Per UI language; empty texts are dropped, and a language left with none with them. */
const localizedTextsChanges = z
  .partialRecord(
    z.enum(UI_LANGUAGES),
    z
      .object({
        title: WIDGET_TEXTS.title.optional(),
        greeting: WIDGET_TEXTS.greeting.optional(),
        launcherLabel: WIDGET_TEXTS.launcherLabel.optional(),
        offlineMessage: WIDGET_TEXTS.offlineMessage.optional(),
      })
      .strict(),
  )
  .transform(
    (byLanguage) =>
      Object.fromEntries(
        Object.entries(byLanguage)
          .map(([tag, texts]) => [
            tag,
            Object.fromEntries(Object.entries(texts ?? {}).filter(([, text]) => text?.trim())),
          ])
          .filter(([, texts]) => Object.keys(texts as object).length > 0),
      ) as Record<string, LocalizedWidgetTexts>,
  );
/** The most departments one pre-chat form may offer. */
const MAX_OFFERED_DEPARTMENTS = 50;

/** What the widget looks like and asks; empty texts mean the widget's own, in the visitor's language. */
export const widgetSettingsSchema = z
  .object({
    accentColor: z.string().meta({ description: '#rrggbb; white text goes on it' }),
    position: z.enum(['right', 'left']),
    offsetX: z.number().int().meta({ description: 'Pixels from the left or right edge' }),
    offsetY: z.number().int().meta({ description: 'Pixels from the bottom edge' }),
    title: z.string(),
    greeting: z.string(),
    launcherLabel: z.string(),
    preChat: z.object({
      name: preChatField,
      email: preChatField,
      departments: z.array(z.string()).meta({
        description: 'Departments the visitor may pick in the pre-chat form; empty: no choice',
      }),
    }),
    sneakPeek: z.boolean().meta({
      description: 'Agents see what the visitor types before sending; the widget says so',
    }),
    offlineMessage: z.string().meta({
      description:
        "What the leave-a-message form says while no one is online; empty: the widget's own",
    }),
    defaultLanguage: z.string().meta({
      description:
        "The widget's language when neither the page (Parley.setLanguage) nor the visitor's browser asks for one it has",
    }),
    localized: z.record(z.string(), localizedTextsSchema).meta({
      description:
        'The texts above per UI language; a text left out falls back to the plain field, then to the widget’s own',
    }),
  })
  .meta({ id: 'WidgetSettings' });
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

export const DEFAULT_WIDGET_SETTINGS: WidgetSettings = {
  accentColor: '#4f46e5',
  position: 'right',
  offsetX: 20,
  offsetY: 20,
  title: '',
  greeting: '',
  launcherLabel: '',
  preChat: { name: 'off', email: 'off', departments: [] },
  sneakPeek: false,
  offlineMessage: '',
  defaultLanguage: 'en',
  localized: {},
};

export const widgetSettingsChanges = z.object({
  accentColor: accentColor.optional(),
  position: z.enum(['right', 'left']).optional(),
  offsetX: offset.optional(),
  offsetY: offset.optional(),
  title: WIDGET_TEXTS.title.optional(),
  greeting: WIDGET_TEXTS.greeting.optional(),
  launcherLabel: WIDGET_TEXTS.launcherLabel.optional(),
  offlineMessage: WIDGET_TEXTS.offlineMessage.optional(),
  defaultLanguage: z
    .string()
    .refine(isUiLanguage, `must be one of ${UI_LANGUAGES.join(', ')}`)
    .optional(),
  /** Replaces every language's texts at once. */
  localized: localizedTextsChanges.optional(),
  preChat: z
    .object({
      name: preChatField,
      email: preChatField,
      departments: z
        .array(entityId)
        .max(MAX_OFFERED_DEPARTMENTS)
        .transform((ids) => [...new Set(ids)])
        .optional(),
    })
    .optional(),
  sneakPeek: z.boolean().optional(),
});

export const siteSettingsSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    widgetKey: z.string().meta({ description: 'Public: it goes in the embed snippet' }),
    allowedOrigins: z.array(z.string()),
    visitorMessagesPerMinute: z.number().int().nullable(),
    widget: widgetSettingsSchema,
    defaultDepartmentId: z.string().nullable().meta({
      description: 'Where conversations go when the visitor picked no department',
    }),
    tracking: trackingSettings,
  })
  .meta({ id: 'SiteSettings' });
export type SiteSettings = z.infer<typeof siteSettingsSchema>;

const siteName = plainText(200).trim().min(1, 'must not be empty');
const origins = z.array(allowedOrigin).max(MAX_ALLOWED_ORIGINS);

export const createSiteBody = z.object({ name: siteName, allowedOrigins: origins.default([]) });
export type CreateSiteBody = z.input<typeof createSiteBody>;

/** Any of a site's settings; what is left out stays as it is. */
export const updateSiteBody = z.object({
  name: siteName.optional(),
  allowedOrigins: origins.optional(),
  widget: widgetSettingsChanges.optional(),
  visitorMessagesPerMinute: z.number().int().min(1).max(100_000).nullable().optional(),
  defaultDepartmentId: entityId.nullable().optional(),
  /** What the loader tracks; a change keeps what it leaves out. */
  tracking: trackingSettings.partial().optional(),
});
export type UpdateSiteBody = z.input<typeof updateSiteBody>;
export type UpdateSiteChanges = z.output<typeof updateSiteBody>;

/** What the widget needs of its site, public (it is on the customer's pages anyway). */
export const widgetConfigSchema = z
  .object({
    widget: widgetSettingsSchema,
    departments: z
      .array(z.object({ id: z.string(), name: z.string() }))
      .meta({ description: 'The departments the pre-chat form offers, with their names' }),
  })
  .meta({ id: 'WidgetConfig' });
export type WidgetConfig = z.infer<typeof widgetConfigSchema>;

// ---- team ----

export const agentStatus = z.enum(['active', 'deactivated']);
export const teamMemberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: agentRole,
    status: agentStatus,
    createdAt: isoTime,
    /** The most conversations auto-assignment gives them at once. */
    maxChats: z.number().int(),
    /** BCP 47 tags of the languages they speak; routing prefers them for those visitors. */
    languages: z.array(z.string()),
  })
  .meta({ id: 'TeamMember' });
export type TeamMember = z.infer<typeof teamMemberSchema>;

/** Roles an owner or admin may give (only an owner gives `owner`): every role there is. */
export const assignableRole = agentRole;

const email = z.string().trim().toLowerCase().email().max(254);

export const inviteBody = z.object({ email, role: assignableRole.default('agent') });
export type InviteBody = z.input<typeof inviteBody>;

export const inviteSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: agentRole,
    expiresAt: isoTime,
    link: z.string().nullable().meta({
      description:
        'The single-use link, given once: when it was also emailed, null (it went to the invitee only)',
    }),
    emailed: z.boolean(),
  })
  .meta({ id: 'Invite' });
export type Invite = z.infer<typeof inviteSchema>;

export const pendingInviteSchema = z
  .object({ id: z.string(), email: z.string(), role: agentRole, expiresAt: isoTime })
  .meta({ id: 'PendingInvite' });
export type PendingInvite = z.infer<typeof pendingInviteSchema>;

export const inviteToken = z
  .string()
  .min(20)
  .max(100)
  .regex(/^[\w-]+$/, 'not an invite token');

export const acceptInviteBody = z.object({
  token: inviteToken,
  name: plainText(120).trim().min(1, 'must not be empty'),
  password: z.string().min(10, 'must be at least 10 characters').max(1024),
});
export type AcceptInviteBody = z.input<typeof acceptInviteBody>;

export const inviteInfoSchema = z
  .object({ email: z.string(), organization: z.string(), role: agentRole })
  .meta({ id: 'InviteInfo' });
export type InviteInfo = z.infer<typeof inviteInfoSchema>;

export const updateMemberBody = z.object({ role: assignableRole });

// ---- organization ----

export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    defaultLanguage: z.string(),
    timeZone: z.string(),
    /** Agents without two-factor sign-in can reach only its setup until they turn it on. */
    requireTwoFactor: z.boolean(),
  })
  .meta({ id: 'Organization' });
export type OrganizationSettings = z.infer<typeof organizationSchema>;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
export const isLanguageTag = (tag: string) => {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
};

export const updateOrganizationBody = z.object({
  name: plainText(200).trim().min(1, 'must not be empty').optional(),
  defaultLanguage: plainText(16)
    .refine(isLanguageTag, 'must be a language tag such as en or pt-BR')
    .optional(),
  timeZone: plainText(64).refine(isTimeZone, 'must be a time zone such as Europe/Paris').optional(),
  /** Owners only; an owner without two-factor sign-in cannot turn it on. */
  requireTwoFactor: z.boolean().optional(),
});
export type UpdateOrganizationBody = z.input<typeof updateOrganizationBody>;

// ---- profile ----

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(10, 'must be at least 10 characters').max(1024),
});
export type ChangePasswordBody = z.input<typeof changePasswordBody>;

/** Six digits from the authenticator app, or one of the recovery codes. */
export const twoFactorCodeBody = z.object({ code: z.string().trim().min(6).max(32) });

export const disableTwoFactorBody = twoFactorCodeBody.extend({
  currentPassword: z.string().min(1).max(1024),
});

/** As many as Settings → Team allows (MAX_AGENT_LANGUAGES), each a BCP 47 tag, canonicalized. */
const spokenLanguages = z
  .array(
    plainText(35)
      .refine(isLanguageTag, 'must be a language tag such as en or pt-BR')
      .transform((tag) => Intl.getCanonicalLocales(tag)[0]!),
  )
  .max(20)
  .transform((tags) => [...new Set(tags)]);

/**
 * A new display name, or a new email (which needs the current password); the console language
 * (null: the browser's) and the languages the agent speaks (routing prefers them).
 */
export const updateProfileBody = z.object({
  name: plainText(120).trim().min(1, 'must not be empty').optional(),
  email: email.optional(),
  currentPassword: z.string().max(1024).optional(),
  locale: z
    .string()
    .refine(isUiLanguage, `must be one of ${UI_LANGUAGES.join(', ')}`)
    .nullable()
    .optional(),
  languages: spokenLanguages.optional(),
});
export type UpdateProfileBody = z.input<typeof updateProfileBody>;

/** The agent's console language and the languages they speak, as `GET /api/v1/me` gives them. */
export const agentLanguagesReply = z.object({
  locale: z.string().nullable().meta({
    description: "The console language the agent picked (a UI language tag); null: the browser's",
  }),
  languages: z.array(z.string()).meta({
    description: 'BCP 47 tags of the languages the agent speaks; routing prefers them',
  }),
});

export const sessionSchema = z
  .object({
    id: z.string().meta({ description: 'Names the session; it is not its token' }),
    current: z.boolean(),
    createdAt: isoTime,
    expiresAt: isoTime,
  })
  .meta({ id: 'Session' });
export type SessionView = z.infer<typeof sessionSchema>;
