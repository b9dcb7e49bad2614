import { describe, expect, it } from 'vitest';
import type { InvitationRule } from '../../../protocol/visitor-schemas';
import {
  firstMatchingRule,
  parseRules,
  referrerMatches,
  ruleMatches,
  trackAtOf,
  urlMatches,
} from './invitation-rules';

const rule = (changes: Partial<InvitationRule> = {}): InvitationRule => ({
  id: 'r1',
  enabled: true,
  message: 'Need help choosing a plan?',
  urlPattern: '',
  seconds: 0,
  minVisit: 1,
  referrer: '',
  ...changes,
});

const subject = {
  url: 'https://shop.example/pricing?plan=pro',
  referrer: 'https://www.google.com/',
  secondsOnPage: 20,
  visitNumber: 2,
};

describe('urlMatches', () => {
  it('matches every page when empty', () => {
    expect(urlMatches('', subject.url)).toBe(true);
    expect(urlMatches('  ', 'not even a url')).toBe(true);
  });

  it('takes * as any characters over the whole URL, case-insensitively', () => {
    expect(urlMatches('https://shop.example/pricing*', subject.url)).toBe(true);
    expect(urlMatches('*PRICING*', subject.url)).toBe(true);
    expect(urlMatches('https://shop.example/pricing', subject.url)).toBe(false);
    expect(urlMatches('https://other.example/*', subject.url)).toBe(false);
  });

  it('matches a pattern starting with / against the path and query only', () => {
    expect(urlMatches('/pricing*', subject.url)).toBe(true);
    expect(urlMatches('/pricing?plan=pro', subject.url)).toBe(true);
    expect(urlMatches('/checkout*', subject.url)).toBe(false);
    expect(urlMatches('/pricing*', 'javascript:alert(1)//pricing')).toBe(false);
  });

  it('takes regular expression characters literally', () => {
    expect(urlMatches('/a.c', 'https://x.test/abc')).toBe(false);
    expect(urlMatches('/(a)+', 'https://x.test/(a)+')).toBe(true);
  });
});

describe('referrerMatches', () => {
  it('matches any referrer (or none) when empty, else a part of it', () => {
    expect(referrerMatches('', '')).toBe(true);
    expect(referrerMatches('google.', 'https://www.Google.com/')).toBe(true);
    expect(referrerMatches('bing.com', 'https://www.google.com/')).toBe(false);
    expect(referrerMatches('google', '')).toBe(false);
  });
});

describe('ruleMatches', () => {
  it('waits for the seconds on the page', () => {
    expect(ruleMatches(rule({ seconds: 20 }), subject)).toBe(true);
    expect(ruleMatches(rule({ seconds: 21 }), subject)).toBe(false);
  });

  it('waits for the visit number', () => {
    expect(ruleMatches(rule({ minVisit: 2 }), subject)).toBe(true);
    expect(ruleMatches(rule({ minVisit: 3 }), subject)).toBe(false);
  });

  it('needs every condition, and the rule enabled', () => {
    const all = rule({ urlPattern: '/pricing*', seconds: 10, minVisit: 2, referrer: 'google' });
    expect(ruleMatches(all, subject)).toBe(true);
    expect(ruleMatches({ ...all, enabled: false }, subject)).toBe(false);
    expect(ruleMatches({ ...all, referrer: 'bing' }, subject)).toBe(false);
    expect(ruleMatches({ ...all, urlPattern: '/cart' }, subject)).toBe(false);
  });
});

describe('firstMatchingRule', () => {
  it('takes the first matching rule in order, skipping those already shown', () => {
    const rules = [
      rule({ id: 'a', seconds: 60 }),
      rule({ id: 'b', seconds: 5 }),
      rule({ id: 'c' }),
    ];
    expect(firstMatchingRule(rules, subject)?.id).toBe('b');
    expect(firstMatchingRule(rules, subject, new Set(['b']))?.id).toBe('c');
    expect(firstMatchingRule(rules, subject, new Set(['b', 'c']))).toBeUndefined();
  });
});

describe('parseRules', () => {
  it('reads stored rules and leaves out what is not one', () => {
    const stored = JSON.stringify([rule({ id: 'ok' }), { id: 'broken' }, 'junk']);
    expect(parseRules(stored).map((r) => r.id)).toEqual(['ok']);
    expect(parseRules(null)).toEqual([]);
    expect(parseRules('{not json')).toEqual([]);
    expect(parseRules('{"a":1}')).toEqual([]);
  });
});

describe('trackAtOf', () => {
  it('lists the seconds enabled rules wait for, once each, in order', () => {
    const rules = [
      rule({ id: 'a', seconds: 45 }),
      rule({ id: 'b', seconds: 10 }),
      rule({ id: 'c', seconds: 45 }),
      rule({ id: 'd', seconds: 0 }),
      rule({ id: 'e', seconds: 90, enabled: false }),
    ];
    expect(trackAtOf(rules)).toEqual([10, 45]);
  });
});
