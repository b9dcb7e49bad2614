import { invitationRule, type InvitationRule } from '../../../protocol/visitor-schemas';

/** What a rule looks at: where the visitor is, how long, which visit, and from where. */
export interface RuleSubject {
  url: string;
  referrer: string;
  secondsOnPage: number;
  visitNumber: number;
}

/**
 * A site's stored rules; a rule that no longer reads as one (edited by hand, an older shape) is
 * left out rather than breaking every beacon of the site.
 */
export function parseRules(stored: string | null): InvitationRule[] {
  if (!stored) return [];
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = invitationRule.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The first enabled rule that matches, in the order the owner put them; skips `excluded` ids. */
export function firstMatchingRule(
  rules: readonly InvitationRule[],
  subject: RuleSubject,
  excluded: ReadonlySet<string> = new Set(),
): InvitationRule | undefined {
  return rules.find((rule) => !excluded.has(rule.id) && ruleMatches(rule, subject));
}

export function ruleMatches(rule: InvitationRule, subject: RuleSubject): boolean {
  return (
    rule.enabled &&
    subject.secondsOnPage >= rule.seconds &&
    subject.visitNumber >= rule.minVisit &&
    urlMatches(rule.urlPattern, subject.url) &&
    referrerMatches(rule.referrer, subject.referrer)
  );
}

/**
 * `*` stands for any characters, everything else for itself, case-insensitively, over the whole
 * URL. A pattern that starts with `/` is matched against the path and query only, so
 * `/pricing*` works on every host the site runs on. Empty matches every page.
 */
export function urlMatches(pattern: string, url: string): boolean {
  if (pattern.trim() === '') return true;
  const target = pattern.startsWith('/') ? pathOf(url) : url;
  if (target === null) return false;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(target);
}

function pathOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return null;
  }
}

/** Empty: any referrer (or none); else the referrer contains it, case-insensitively. */
export function referrerMatches(wanted: string, referrer: string): boolean {
  const needle = wanted.trim().toLowerCase();
  return needle === '' || referrer.toLowerCase().includes(needle);
}

/**
 * The seconds on a page at which some enabled rule may start to match: the loader reports the
 * time on page then, besides its regular heartbeat, so a "after 10 s" rule fires at 10 s.
 */
export function trackAtOf(rules: readonly InvitationRule[]): number[] {
  const seconds = rules.filter((r) => r.enabled && r.seconds > 0).map((r) => r.seconds);
  return [...new Set(seconds)].sort((a, b) => a - b);
}
