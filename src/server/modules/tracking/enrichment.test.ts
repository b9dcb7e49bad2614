import { describe, expect, it } from 'vitest';
import { IpLocator, deviceOf, isBot, keptAddress } from './enrichment';

/** User agents as these browsers sent them (2024), and what the profile should say. */
const BROWSERS: [string, string, string, 'desktop' | 'mobile' | 'tablet'][] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    'Chrome',
    'Windows',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
    'Firefox',
    'Windows',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68',
    'Edge',
    'Windows',
    'desktop',
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'Safari',
    'Mac OS',
    'desktop',
  ],
  [
    'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0',
    'Firefox',
    'Linux',
    'desktop',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mobile Safari',
    'iOS',
    'mobile',
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mobile Safari',
    'iOS',
    'tablet',
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
    'Chrome',
    'Android',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
    'Samsung Internet',
    'Android',
    'mobile',
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0',
    'Opera',
    'Windows',
    'desktop',
  ],
];

const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
];

describe('user agents', () => {
  it.each(BROWSERS)('%s is a person', (ua, browser, os, device) => {
    expect(isBot(ua)).toBe(false);
    expect(deviceOf(ua)).toEqual({ browser, os, device });
  });

  it.each(BOTS)('%s is a bot', (ua) => {
    expect(isBot(ua)).toBe(true);
  });

  it('counts a request without a user agent as a program', () => {
    expect(isBot(undefined)).toBe(true);
    expect(isBot('')).toBe(true);
  });
});

describe('countries from the offline database', () => {
  const locator = new IpLocator();
  /** Well-known public services' addresses, where they have been for years. */
  const PLACES: [string, string][] = [
    ['8.8.8.8', 'US'],
    ['1.1.1.1', 'AU'],
    ['81.2.69.142', 'GB'],
    ['133.242.0.3', 'JP'],
    ['193.0.6.139', 'NL'],
    ['200.160.2.3', 'BR'],
    ['194.153.205.26', 'IT'],
    ['77.88.8.8', 'RU'],
    ['41.63.64.1', 'ZA'],
    ['::ffff:81.2.69.142', 'GB'],
    ['2a00:1450:4001:81c::200e', 'DE'],
  ];

  it.each(PLACES)('%s is in %s', async (ip, country) => {
    expect((await locator.locate(ip))?.country).toBe(country);
  });

  it('names a city where the data has one, and nothing for private or odd addresses', async () => {
    expect(await locator.locate('81.2.69.142')).toEqual({ country: 'GB', city: 'London' });
    expect(await locator.locate('127.0.0.1')).toBeNull();
    expect(await locator.locate('10.1.2.3')).toBeNull();
    expect(await locator.locate('not an address')).toBeNull();
  });
});

describe('addresses as a site keeps them', () => {
  it('truncates IPv4 to /24 and IPv6 to /48, keeps them whole, or drops them', () => {
    expect(keptAddress('203.0.113.77', 'truncated')).toBe('203.0.113.0/24');
    expect(keptAddress('::ffff:203.0.113.77', 'truncated')).toBe('203.0.113.0/24');
    expect(keptAddress('2001:db8:abcd:12::1', 'truncated')).toBe('2001:db8:abcd::/48');
    expect(keptAddress('2001:db8::1', 'truncated')).toBe('2001:db8:0::/48');
    expect(keptAddress('203.0.113.77', 'full')).toBe('203.0.113.77');
    expect(keptAddress('203.0.113.77', 'none')).toBeNull();
  });
});
