/**
 * Who is on the other end of a request, for HTTP routes and socket handshakes alike: the client's
 * address (for limits and blocks) and the origin the request was sent to (for Origin checks).
 * Behind proxies, X-Forwarded-* is believed only as far as PARLEY_TRUST_PROXY trusts the hops:
 * a client can write anything into those headers, and only what a trusted proxy appended counts.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../env';
import { normalizeOrigin } from './origin-policy';

/** Whether the hop at `address`, `hop` steps from us (0 = the direct peer), is a trusted proxy. */
export type TrustFunction = (address: string, hop: number) => boolean;

export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

export interface ClientResolver {
  /** The client's address as limits and blocks count it (see `addressKey`). */
  address(request: IncomingMessage): string;
  /** `scheme://host[:port]` the client sent this request to, lower-case. */
  requestOrigin(request: IncomingMessage): string | undefined;
}

export function clientResolver(trust: TrustFunction): ClientResolver {
  /** The last value of a header a trusted proxy set, or undefined when the peer is no proxy. */
  const forwarded = (request: IncomingMessage, name: string): string | undefined => {
    const value = request.headers[name];
    const peer = request.socket.remoteAddress;
    if (typeof value !== 'string' || peer === undefined || !trust(peer, 0)) return undefined;
    return value.slice(value.lastIndexOf(',') + 1).trim() || undefined;
  };
  return {
    address: (request) => addressKey(proxyAddr(request, trust)),
    requestOrigin: (request) => {
      const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
      const scheme = forwarded(request, 'x-forwarded-proto') ?? (encrypted ? 'https' : 'http');
      const host = forwarded(request, 'x-forwarded-host') ?? request.headers.host;
      // As a browser writes an origin: lower case, without the scheme's default port.
      return host ? normalizeOrigin(`${scheme}://${host}`) : undefined;
    },
  };
}

/**
 * The unit limits and blocks apply to. An IPv4 address as it is (`::ffff:` prefix dropped); an
 * IPv6 address by its /64 network, since one home or phone gets a whole /64 and can rotate
 * through it at will.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::') as [string, string?];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
