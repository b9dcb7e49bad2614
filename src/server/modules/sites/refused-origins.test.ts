import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { login } from '../../../../test/helpers/clients';
import { createAgent } from '../../../../test/helpers/factories';
import { SITE_ORIGIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { RefusedOrigin } from '../../../protocol/embedding';
import { MAX_REFUSED_ORIGINS_PER_SITE } from './refused-origins.repository';

let server: TestServer;
let siteId: string;
let owner: string;
/** Each reading moves a second on, so "most recent" never ties. */
let time = Date.parse('2026-01-01T00:00:00Z');
const clock = { now: () => (time += 1000) };

beforeEach(async () => {
  server = await startServer(undefined, {}, { clock });
  siteId = (await server.parley.db.selectFrom('sites').select('id').executeTakeFirstOrThrow()).id;
  owner = await login(server);
});

afterEach(async () => {
  await server.close();
});

const askConfig = (site: string, origin?: string) =>
  fetch(`${server.url}/api/v1/widget/config?site=${encodeURIComponent(site)}`, {
    headers: origin ? { origin } : {},
  });

async function refusedOrigins(cookie = owner): Promise<string[]> {
  const res = await fetch(`${server.url}/api/v1/sites/${siteId}/refused-origins`, {
    headers: { cookie },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { origins: RefusedOrigin[] }).origins.map((o) => o.origin);
}

const allow = (origin: unknown, cookie = owner) =>
  fetch(`${server.url}/api/v1/sites/${siteId}/allowed-origins`, {
    method: 'POST',
    headers: { cookie, origin: server.url, 'content-type': 'application/json' },
    body: JSON.stringify({ origin }),
  });

describe('the loader asking whether it may run', () => {
  it('is told yes on an allowed origin, with headers that let any page read it', async () => {
    const res = await askConfig(server.widgetKey, SITE_ORIGIN);
    expect(res.status).toBe(200);
    // With the site's look, so that this is the loader's one request.
    expect(await res.json()).toEqual({
      allowed: true,
      widget: expect.objectContaining({ accentColor: expect.stringMatching(/^#[0-9a-f]{6}$/i) }),
      // No invitation rule waits for a moment on the page yet.
      tracking: { enabled: true, requireConsent: false, honorDoNotTrack: true, trackAt: [] },
      // The widget's language (no `lang` asked: the site's default) and the launcher's strings in it.
      language: 'en',
      launcher: expect.objectContaining({ openChat: 'Open chat' }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await refusedOrigins()).toEqual([]);
  });

  it('is told why not: an unknown key, or an origin the site does not allow', async () => {
    expect(await (await askConfig('no-such-key', SITE_ORIGIN)).json()).toEqual({
      allowed: false,
      code: 'unknown_site',
    });
    expect(await (await askConfig(server.widgetKey, 'https://shop.example')).json()).toEqual({
      allowed: false,
      code: 'origin_not_allowed',
    });
    expect(await refusedOrigins()).toEqual(['https://shop.example']);
  });

  it('logs a refused origin once, and keeps one row for it however often it comes', async () => {
    const warn = vi.spyOn(server.parley.http.log, 'warn');
    for (let i = 0; i < 5; i++) await askConfig(server.widgetKey, 'https://shop.example');
    const logged = warn.mock.calls.filter((call) => JSON.stringify(call).includes('shop.example'));
    expect(logged).toHaveLength(1);
    expect(await refusedOrigins()).toEqual(['https://shop.example']);
  });

  it('takes a request without Origin for one from this server itself (its /demo over plain HTTP)', async () => {
    // fetch() may not set Host: a plain request, as a browser sends it to http://shop.test.
    const ask = (host: string) =>
      new Promise<unknown>((resolve, reject) => {
        const url = `${server.url}/api/v1/widget/config?site=${server.widgetKey}`;
        http
          .get(url, { headers: { host } }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve(JSON.parse(body)));
          })
          .on('error', reject);
      });
    expect(await ask('shop.test')).toMatchObject({ allowed: true });
    expect(await ask('parley.example:8080')).toEqual({
      allowed: false,
      code: 'origin_not_allowed',
    });
    expect(await refusedOrigins()).toEqual(['http://parley.example:8080']);
  });

  it('records no origin when there is none, or an opaque or malformed one', async () => {
    for (const origin of ['null', 'https://shop.example/path', 'file://', 'https://*.example']) {
      const answer = await (await askConfig(server.widgetKey, origin)).json();
      expect(answer).toEqual({ allowed: false, code: 'origin_not_allowed' });
    }
    expect(await refusedOrigins()).toEqual([]);
  });

  it(`keeps the ${MAX_REFUSED_ORIGINS_PER_SITE} most recent refused origins of a site`, async () => {
    const origins = Array.from({ length: 25 }, (_, i) => `https://shop${i}.example`);
    for (const origin of origins) await askConfig(server.widgetKey, origin);
    expect(await refusedOrigins()).toEqual(origins.slice(-MAX_REFUSED_ORIGINS_PER_SITE).reverse());
  });

  it('refuses an address that asks too often', async () => {
    // 120 a minute, refilled as they go: asked at once, so a slow machine's refill cannot hide it.
    const statuses = await Promise.all(
      Array.from(
        { length: 160 },
        async () => (await askConfig(server.widgetKey, SITE_ORIGIN)).status,
      ),
    );
    expect(statuses).toContain(429);
  });
});

describe('allowing a refused origin', () => {
  it('lets the shop embed the widget at once, and takes it off the refused list', async () => {
    await askConfig(server.widgetKey, 'https://shop.example');
    const res = await allow('https://shop.example');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ allowedOrigins: [SITE_ORIGIN, 'https://shop.example'] });
    expect(await (await askConfig(server.widgetKey, 'https://shop.example')).json()).toMatchObject({
      allowed: true,
    });
    expect(await refusedOrigins()).toEqual([]);
    // Twice is the same as once.
    expect(await (await allow('https://shop.example')).json()).toEqual({
      allowedOrigins: [SITE_ORIGIN, 'https://shop.example'],
    });
  });

  it('refuses what is not exactly an origin, and changes nothing', async () => {
    for (const origin of [
      'https://shop.example/',
      'https://shop.example/checkout',
      'https://*.shop.example',
      'https://user@shop.example',
      'HTTPS://SHOP.EXAMPLE',
      'https://shop.example:443',
      'javascript:alert(1)',
      'data:text/html,hi',
      ' https://shop.example',
      `https://${'a'.repeat(250)}.example`,
      42,
    ]) {
      const res = await allow(origin);
      expect(res.status, String(origin)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_payload',
      );
    }
    const site = await server.parley.db
      .selectFrom('sites')
      .select('allowed_origins')
      .where('id', '=', siteId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(site.allowed_origins)).toEqual([SITE_ORIGIN]);
  });

  it('is for owners and admins: an agent is refused, and nothing changes', async () => {
    const org = await server.parley.db
      .selectFrom('organizations')
      .select('id')
      .executeTakeFirstOrThrow();
    const password = 'a long enough password';
    await createAgent(server.parley.db, org.id, {
      email: 'agent@shop.test',
      password,
      role: 'agent',
    });
    const agent = await login(server, { email: 'agent@shop.test', password });
    await askConfig(server.widgetKey, 'https://shop.example');
    expect((await allow('https://shop.example', agent)).status).toBe(403);
    const list = await fetch(`${server.url}/api/v1/sites/${siteId}/refused-origins`, {
      headers: { cookie: agent },
    });
    expect(list.status).toBe(403);
    expect(await refusedOrigins()).toEqual(['https://shop.example']);
  });

  it('needs the console itself: a request from another origin with the cookie is refused', async () => {
    const res = await fetch(`${server.url}/api/v1/sites/${siteId}/allowed-origins`, {
      method: 'POST',
      headers: {
        cookie: owner,
        origin: 'https://evil.example',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ origin: 'https://evil.example' }),
    });
    expect(res.status).toBe(403);
    expect(await (await askConfig(server.widgetKey, 'https://evil.example')).json()).toMatchObject({
      allowed: false,
    });
  });
});
