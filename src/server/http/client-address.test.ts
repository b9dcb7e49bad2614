import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientResolver, trustFunction } from './client-address';

function request(peer: string, headers: Record<string, string> = {}): IncomingMessage {
  return { headers, socket: { remoteAddress: peer } } as unknown as IncomingMessage;
}

describe('addressKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and counts IPv6 by its /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0DB8:0000:0001:ffff:1:2:3')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('the client behind proxies', () => {
  it('believes X-Forwarded-For only as far as the trusted hops', () => {
    const forwarded = { 'x-forwarded-for': '10.9.9.9, 203.0.113.9' };
    expect(clientResolver(trustFunction(false)).address(request('127.0.0.1', forwarded))).toBe(
      '127.0.0.1',
    );
    expect(clientResolver(trustFunction(1)).address(request('127.0.0.1', forwarded))).toBe(
      '203.0.113.9',
    );
    expect(clientResolver(trustFunction(2)).address(request('127.0.0.1', forwarded))).toBe(
      '10.9.9.9',
    );
    const byAddress = clientResolver(trustFunction(['10.0.0.0/8']));
    expect(byAddress.address(request('10.0.0.2', forwarded))).toBe('203.0.113.9');
    expect(byAddress.address(request('198.51.100.1', forwarded))).toBe('198.51.100.1');
  });

  it('reads the scheme and host a trusted proxy reports, and only then', () => {
    const headers = {
      host: 'internal:8080',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'Chat.Shop',
    };
    expect(clientResolver(trustFunction(1)).requestOrigin(request('127.0.0.1', headers))).toBe(
      'https://chat.shop',
    );
    expect(clientResolver(trustFunction(false)).requestOrigin(request('127.0.0.1', headers))).toBe(
      'http://internal:8080',
    );
  });
});
