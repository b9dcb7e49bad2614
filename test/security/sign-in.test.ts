/**
 * Finding 2: the sign-in throttle checked "blocked?" before the slow password check and counted
 * the failure after it, so 100 guesses sent at once were all checked. And behind a proxy the
 * client-supplied left-most X-Forwarded-For was trusted, so a forged one escaped every limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/env';
import {
  ADMIN,
  GENEROUS_LIMITS,
  SITE_ORIGIN,
  startServer,
  type TestServer,
} from '../helpers/server';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url, ...headers },
    body: JSON.stringify({ email, password }),
  });
}

/** Statuses of passwords the server actually checked: a right one (200) or a wrong one (401). */
const checked = (statuses: number[]) => statuses.filter((s) => s === 200 || s === 401);

describe('the sign-in throttle under parallel requests', () => {
  it('checks at most five passwords of one account, however many arrive at once', async () => {
    server = await startServer();
    const attempts = Array.from({ length: 100 }, (_, i) =>
      signIn(ADMIN.email, i === 50 ? ADMIN.password : `guess-${i}`),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);

    expect(checked(statuses).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(95);
  });

  it('checks at most twenty passwords from one address, across accounts', async () => {
    server = await startServer();
    const attempts = Array.from({ length: 100 }, (_, i) =>
      signIn(`someone-${i}@shop.test`, 'guess'),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);

    expect(checked(statuses).length).toBeLessThanOrEqual(20);
  });

  it('lets the right password in again once a sign-in succeeded before the limit', async () => {
    server = await startServer();
    for (let i = 0; i < 3; i++) expect((await signIn(ADMIN.email, 'wrong')).status).toBe(401);
    expect((await signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    // The success forgave the account's failures: five fresh guesses are allowed again.
    for (let i = 0; i < 5; i++) expect((await signIn(ADMIN.email, 'wrong')).status).toBe(401);
    expect((await signIn(ADMIN.email, ADMIN.password)).status).toBe(429);
  });
});

describe('client addresses behind a proxy', () => {
  // The test client is the proxy: it appends the real client (203.0.113.9) after whatever the
  // client sent, as nginx's $proxy_add_x_forwarded_for does.
  const viaProxy = (forged: string) => ({ 'x-forwarded-for': `${forged}, 203.0.113.9` });
  // Configured as the README said to, behind one proxy.
  const trustProxy = () => loadConfig({ PARLEY_TRUST_PROXY: 'true' }).trustProxy;

  it('trusts only the configured hops, so a forged X-Forwarded-For escapes no sign-in limit', async () => {
    server = await startServer(undefined, { trustProxy: trustProxy() });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await signIn(`someone-${i}@shop.test`, 'guess', viaProxy(`10.0.0.${i}`));
      statuses.push(res.status);
    }
    expect(checked(statuses)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
  });

  it('and none of the visitor-creation limit', async () => {
    const limit = 30;
    server = await startServer(undefined, {
      trustProxy: trustProxy(),
      limits: { ...GENEROUS_LIMITS, addressVisitorsPerMinute: limit },
    });
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) {
      const res = await fetch(`${server.url}/api/v1/widget/visitors`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: SITE_ORIGIN,
          ...viaProxy(`10.0.1.${i}`),
        },
        body: JSON.stringify({ siteKey: server.widgetKey }),
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(limit);
    expect(statuses.at(-1)).toBe(429);
  });
});
