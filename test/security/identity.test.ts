/**
 * `Parley.identify` attacked: guessing hashes fast, calling from a page the site does not allow,
 * from no page at all, and another site's visitor naming this site.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../helpers/api';
import { createVisitor, login, type VisitorCredentials } from '../helpers/clients';
import { createOrganization } from '../helpers/factories';
import { SITE_ORIGIN, startServer, type TestServer } from '../helpers/server';
import type { SiteSettings } from '../../src/protocol/settings-schemas';

let server: TestServer;
let secret: string;

beforeEach(async () => {
  server = await startServer();
  const owner = await login(server);
  const site = (await api<{ sites: SiteSettings[] }>(server, owner, 'GET', '/api/v1/sites')).body
    .sites[0]!;
  secret = (
    await api<{ secret: string }>(server, owner, 'POST', `/api/v1/sites/${site.id}/identity/secret`)
  ).body.secret;
});
afterEach(async () => {
  await server.close();
});

const hmac = (key: string, id: string) => createHmac('sha256', key).update(id).digest('hex');

async function identify(
  visitor: VisitorCredentials,
  fields: Record<string, unknown>,
  origin: string | null = SITE_ORIGIN,
  siteKey = server.widgetKey,
) {
  const res = await fetch(`${server.url}/api/v1/widget/identify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ siteKey, ...visitor, ...fields }),
  });
  const body = (await res.json()) as { error?: { code: string }; verified?: boolean };
  return { status: res.status, code: body.error?.code, body };
}

describe('identify under attack', () => {
  it('bounds identify calls per address: a burst past 60 a minute is refused', async () => {
    const visitor = await createVisitor(server);
    // All at once, so the bucket (60 a minute, refilled as time passes) has no time to refill.
    const replies = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        identify(visitor, { id: 'victim', hash: hmac(`guess-${i}`, 'victim') }),
      ),
    );
    const refused = replies.filter((reply) => reply.code === 'rate_limited');
    expect(replies.length - refused.length).toBeGreaterThanOrEqual(60);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.status).toBe(429);
  });

  it.each([
    ['a page the site does not allow', 'https://evil.example'],
    ['no Origin at all', null],
  ])('refuses a call from %s', async (_what, origin) => {
    const visitor = await createVisitor(server);
    const reply = await identify(visitor, { id: 'victim', hash: hmac(secret, 'victim') }, origin);
    expect([reply.status, reply.code]).toEqual([403, 'forbidden_origin']);
  });

  it("another organization's visitor cannot identify on this site with its own token", async () => {
    const other = await createOrganization(
      server.parley.db,
      'other',
      { email: 'o@other.test', password: 'a long enough password' },
      'http://other.test',
    );
    const stranger = await createVisitor(
      { url: server.url, widgetKey: other.widgetKey },
      'http://other.test',
    );
    const reply = await identify(stranger, { id: 'victim', hash: hmac(secret, 'victim') });
    expect([reply.status, reply.code]).toEqual([401, 'unauthorized']);
  });

  it.each([
    ['a huge id', { id: 'x'.repeat(10_000) }],
    ['an empty id', { id: '' }],
    ['a NUL in the id', { id: 'a\u0000b' }],
    [
      'too many attributes',
      {
        id: 'u',
        attributes: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'])),
      },
    ],
    ['an attribute that is not text', { id: 'u', attributes: { plan: { nested: true } } }],
  ])('refuses %s with invalid_payload, and changes nothing', async (_what, fields) => {
    const visitor = await createVisitor(server);
    const reply = await identify(visitor, fields);
    expect([reply.status, reply.code]).toEqual([400, 'invalid_payload']);
    const row = await server.parley.db
      .selectFrom('visitors')
      .select(['claimed_id', 'external_id', 'attributes'])
      .where('id', '=', visitor.visitorId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ claimed_id: null, external_id: null, attributes: null });
  });
});
