/**
 * Embedding that explains itself: the loader asks whether its page may embed a site's widget
 * before it draws anything, and owners see (and allow) the origins that were refused.
 */
import { z } from 'zod';
import { plainText } from './schemas';
import { widgetSettingsSchema } from './settings-schemas';
import { loaderTracking } from './visitor-schemas';

/** Why the loader may not run: the key is unknown, or the page's origin is not on the list. */
export const EMBED_REFUSALS = ['unknown_site', 'origin_not_allowed'] as const;
export type EmbedRefusal = (typeof EMBED_REFUSALS)[number];

export const widgetConfigQuery = z.object({
  site: plainText(64).min(1),
  lang: plainText(300).optional().meta({
    description:
      "The languages the widget may speak, best first, comma separated: the page's Parley.setLanguage, then the browser's",
  }),
});

export const widgetConfigSchema = z
  .object({
    allowed: z.boolean(),
    code: z.enum(EMBED_REFUSALS).optional().meta({ description: 'Why not, when not allowed' }),
    widget: widgetSettingsSchema
      .optional()
      .meta({ description: "When allowed: the site's widget settings, so the loader asks once" }),
    tracking: loaderTracking
      .optional()
      .meta({ description: 'When allowed: what the loader may track, and when to ask first' }),
    language: z.string().optional().meta({
      description:
        "When allowed: the widget's language (one of the UI languages), from `lang`, else the site's default",
    }),
    launcher: z.record(z.string(), z.string()).optional().meta({
      description: "When allowed: the launcher's strings in that language",
    }),
  })
  .meta({ id: 'WidgetConfig' });
export type WidgetConfig = z.infer<typeof widgetConfigSchema>;

/** Origins are stored and compared as browsers send them; longer ones are not recorded. */
export const MAX_ORIGIN_LENGTH = 255;

/** A DNS name (international ones arrive as punycode), an IPv4 address, or an IPv6 one in []. */
const HOST_NAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])$/;

/** True for an exact `http(s)://host[:port]` as a browser sends it: no path, userinfo or junk. */
export function isExactOrigin(value: string): boolean {
  if (value.length > MAX_ORIGIN_LENGTH) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.origin === value &&
      // The URL parser lets `*` and other junk through in a host name; browsers never send them.
      HOST_NAME.test(url.hostname)
    );
  } catch {
    return false;
  }
}

export const exactOrigin = plainText(MAX_ORIGIN_LENGTH).refine(isExactOrigin, {
  message: 'must be an origin: scheme://host[:port], lower case, with no path',
});

export const refusedOriginSchema = z
  .object({
    origin: z.string(),
    firstRefusedAt: z.string(),
    lastRefusedAt: z.string(),
    refusals: z.number().int(),
  })
  .meta({ id: 'RefusedOrigin' });
export type RefusedOrigin = z.infer<typeof refusedOriginSchema>;

export const allowOriginBody = z.object({ origin: exactOrigin });
export type AllowOriginBody = z.infer<typeof allowOriginBody>;
