/**
 * The widget's offline state and its leave-a-message form (issue 10). Kept apart from schemas.ts
 * so that this feature's payloads merge without touching the core's.
 */
import { z } from 'zod';
import { EMAIL_PATTERN, MAX_VISITOR_EMAIL, MAX_VISITOR_NAME, isBlankText } from './limits';
import { clientId, messageBody, plainText } from './schemas';

/**
 * Whether someone can chat now: `online` while at least one active agent of the site's
 * department (of the whole organization when the site has none) is online, else `offline`.
 */
export const availability = z.enum(['online', 'offline']);
export type Availability = z.infer<typeof availability>;

/** The leave-a-message form: every field is required, the email must look like one. */
export const offlineMessagePayload = z
  .object({
    clientId,
    name: plainText(MAX_VISITOR_NAME)
      .transform((s) => s.trim())
      .refine((s) => !isBlankText(s), 'must not be empty')
      .refine((s) => s.isWellFormed(), {
        message: 'must be well-formed UTF-16 text',
        params: { code: 'invalid_text' },
      }),
    email: plainText(MAX_VISITOR_EMAIL)
      .transform((s) => s.trim())
      .refine((s) => EMAIL_PATTERN.test(s), {
        message: 'must be an email address',
        params: { code: 'invalid_email' },
      }),
    body: messageBody,
  })
  .strict();
export type OfflineMessagePayload = z.input<typeof offlineMessagePayload>;
