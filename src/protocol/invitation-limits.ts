/**
 * Bounds on invitations: an agent's message, and a site's automatic rules. Apart from the
 * schemas, so the console uses them without bundling zod.
 */
export const INVITATION_LIMITS = {
  message: 500,
  rulesPerSite: 20,
  urlPattern: 512,
  referrer: 256,
  /** The latest second on a page a rule may wait for: an hour. */
  seconds: 3600,
  visitNumber: 1000,
} as const;
