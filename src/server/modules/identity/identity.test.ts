import { createHmac, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  connectVisitor,
  createVisitor,
  login,
  request,
  requestOk,
  type VisitorCredentials,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { SITE_ORIGIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { Message, SyncResult, VisitorConversation } from '../../../protocol/schemas';
import type { SiteSettings } from '../../../protocol/settings-schemas';
import type { IdentifyReply, IdentitySecretReply } from '../../../protocol/visitor-schemas';

let server: TestServer;
let owner: string;
let siteId: string;
let secret: string;
const sockets: VisitorSocket[] = [];

beforeEach(async () => {
  server = await startServer();
  owner = await login(server);
  siteId = (await api<{ sites: SiteSettings[] }>(server, owner, 'GET', '/api/v1/sites')).body
    .sites[0]!.id;
  secret = (await makeSecret(siteId)).body.secret;
});
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.disconnect());
  await server.close();
});

const makeSecret = (id: string, cookie = owner) =>
  api<IdentitySecretReply>(server, cookie, 'POST', `/api/v1/sites/${id}/identity/secret`);
const hmac = (key: string, id: string) => createHmac('sha256', key).update(id).digest('hex');

async function identify(
  visitor: VisitorCredentials,
  fields: {
    id: string;
    hash?: string;
    name?: string;
    visitorId?: string;
    attributes?: Record<string, string>;
  },
  widgetKey = server.widgetKey,
  origin = SITE_ORIGIN,
) {
  // As the loader sends it from the host page: JSON as text/plain, so no preflight.
  const res = await fetch(`${server.url}/api/v1/widget/identify`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin },
    body: JSON.stringify({
      siteKey: widgetKey,
      visitorId: visitor.visitorId,
      token: visitor.token,
      ...fields,
    }),
  });
  return {
    status: res.status,
    allowOrigin: res.headers.get('access-control-allow-origin'),
    body: (await res.json()) as IdentifyReply & { error?: { code: string } },
  };
}

/** The identity the loader keeps after an identify reply. */
const keep = (before: VisitorCredentials, reply: IdentifyReply): VisitorCredentials =>
  reply.token === null ? before : { visitorId: reply.visitorId, token: reply.token };

async function widget(visitor: VisitorCredentials): Promise<VisitorSocket> {
  const socket = await connectVisitor(server, visitor);
  sockets.push(socket);
  return socket;
}

async function say(visitor: VisitorCredentials, body: string): Promise<Message> {
  const socket = await widget(visitor);
  const { message } = await requestOk<{ message: Message }>(socket, 'message:send', {
    clientId: randomUUID(),
    body,
  });
  return message;
}

const sync = (socket: VisitorSocket, conversationId?: string) =>
  request<SyncResult<VisitorConversation>>(socket, 'conversation:sync', {
    ...(conversationId ? { conversationId } : {}),
    afterSeq: 0,
  });

describe('identify from the host page', () => {
  it('takes text/plain JSON from an allowed origin, whose page may read the reply', async () => {
    const visitor = await createVisitor(server);
    const reply = await identify(visitor, { id: 'user-1', hash: hmac(secret, 'user-1') });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ verified: true });
    expect(reply.allowOrigin).toBe(SITE_ORIGIN);
  });

  it('refuses a page whose origin the site does not allow, and changes nothing', async () => {
    const visitor = await createVisitor(server);
    const reply = await identify(
      visitor,
      { id: 'user-1', hash: hmac(secret, 'user-1') },
      server.widgetKey,
      'https://evil.test',
    );
    expect(reply.status).toBe(403);
    expect(reply.body.error?.code).toBe('forbidden_origin');
    const row = await server.parley.db
      .selectFrom('visitors')
      .select(['external_id', 'claimed_id'])
      .where('id', '=', visitor.visitorId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ external_id: null, claimed_id: null });
  });
});

describe('Settings → Sites: identity secret', () => {
  it('shows the secret once, when made and when rotated; the settings never carry it', async () => {
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const settings = await api(server, owner, 'GET', `/api/v1/sites/${siteId}/identity`);
    expect(settings.status).toBe(200);
    expect(JSON.stringify(settings.body)).not.toContain(secret);
    expect(settings.body).toMatchObject({ identity: { required: false } });
    const rotated = await makeSecret(siteId);
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).not.toBe(secret);
    const sites = await api(server, owner, 'GET', '/api/v1/sites');
    expect(JSON.stringify(sites.body)).not.toContain(rotated.body.secret);
  });

  it('a rotated secret stops the old hashes from verifying', async () => {
    await makeSecret(siteId);
    const visitor = await createVisitor(server);
    const reply = await identify(visitor, { id: 'user-1', hash: hmac(secret, 'user-1') });
    expect(reply.body).toMatchObject({ verified: false });
  });

  it('only owners and admins make secrets or require verification; other organizations never', async () => {
    const orgId = (
      await server.parley.db.selectFrom('sites').select('org_id').executeTakeFirstOrThrow()
    ).org_id;
    const agentLogin = { email: 'plain@shop.test', password: 'a long enough password' };
    await createAgent(server.parley.db, orgId, { ...agentLogin, role: 'agent' });
    const agent = await login(server, agentLogin);
    expect(codeOf(await makeSecret(siteId, agent))).toBe('forbidden');
    expect(
      codeOf(
        await api(server, agent, 'PATCH', `/api/v1/sites/${siteId}/identity`, { required: true }),
      ),
    ).toBe('forbidden');
    const otherLogin = { email: 'owner@other.test', password: 'a long enough password' };
    await createOrganization(server.parley.db, 'other', otherLogin, 'http://other.test');
    const stranger = await login(server, otherLogin);
    expect(codeOf(await makeSecret(siteId, stranger))).toBe('not_found');
    expect(codeOf(await api(server, stranger, 'GET', `/api/v1/sites/${siteId}/identity`))).toBe(
      'not_found',
    );
  });
});

describe('identify: the right hash links devices', () => {
  it('two devices of one verified user share one history', async () => {
    const phone = await createVisitor(server);
    const fromPhone = await say(phone, 'asked from the phone');
    const phoneReply = await identify(phone, {
      id: 'user-42',
      hash: hmac(secret, 'user-42'),
      name: 'Ana',
    });
    expect(phoneReply.body).toEqual({ visitorId: phone.visitorId, token: null, verified: true });

    const laptop = await createVisitor(server);
    const fromLaptop = await say(laptop, 'asked from the laptop');
    const laptopReply = await identify(laptop, { id: 'user-42', hash: hmac(secret, 'user-42') });
    expect(laptopReply.status).toBe(200);
    expect(laptopReply.body).toMatchObject({ visitorId: phone.visitorId, verified: true });
    expect(laptopReply.body.token).toEqual(expect.any(String));

    const linked = await widget(keep(laptop, laptopReply.body));
    for (const message of [fromPhone, fromLaptop]) {
      const result = await sync(linked, message.conversationId);
      expect(result.ok && result.data.messages.map((m) => m.body)).toEqual([message.body]);
    }
    // And the phone, on its own token, sees what the laptop wrote before linking.
    const phoneAgain = await widget(phone);
    const laptopHistory = await sync(phoneAgain, fromLaptop.conversationId);
    expect(laptopHistory.ok).toBe(true);
  });

  it('two devices verified as one user at the same moment end up as one visitor', async () => {
    const [phone, laptop] = [await createVisitor(server), await createVisitor(server)];
    const fromLaptop = await say(laptop, 'written on the laptop');
    // What a race leaves: both made themselves the user before either saw the other.
    await server.parley.db
      .updateTable('visitors')
      .set({ external_id: 'raced' })
      .where('id', 'in', [phone.visitorId, laptop.visitorId])
      .execute();
    const [first, second] = [phone, laptop].sort((a, b) => (a.visitorId < b.visitorId ? -1 : 1));
    const firstMade = await server.parley.db
      .selectFrom('visitors')
      .select(['id', 'created_at'])
      .where('external_id', '=', 'raced')
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const later = firstMade.id === first!.visitorId ? second! : first!;
    const reply = await identify(later, { id: 'raced', hash: hmac(secret, 'raced') });
    expect(reply.body).toMatchObject({ visitorId: firstMade.id, verified: true });
    const linked = await widget(keep(later, reply.body));
    expect((await sync(linked, fromLaptop.conversationId)).ok).toBe(true);
  });

  it('an id verified for the first time stays on the same visitor; name and attributes are kept', async () => {
    const visitor = await createVisitor(server);
    const reply = await identify(visitor, { id: 'first', hash: hmac(secret, 'first'), name: 'Bo' });
    expect(reply.body).toEqual({ visitorId: visitor.visitorId, token: null, verified: true });
    const row = await server.parley.db
      .selectFrom('visitors')
      .select(['external_id', 'claimed_id', 'name'])
      .where('id', '=', visitor.visitorId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ external_id: 'first', claimed_id: null, name: 'Bo' });
  });
});

describe('identify: attributes stay bounded', () => {
  it('repeated calls with new keys never keep more than the limit; the newest win', async () => {
    const visitor = await createVisitor(server);
    const batch = (n: number) =>
      Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${n}-${i}`, 'v']));
    for (const n of [1, 2, 3]) {
      const reply = await identify(visitor, { id: 'someone', attributes: batch(n) });
      expect(reply.status).toBe(200);
    }
    await identify(visitor, { id: 'someone', attributes: { k3: 'last' } });
    const row = await server.parley.db
      .selectFrom('visitors')
      .select('attributes')
      .where('id', '=', visitor.visitorId)
      .executeTakeFirstOrThrow();
    const stored = JSON.parse(row.attributes!) as Record<string, string>;
    expect(Object.keys(stored)).toHaveLength(50);
    expect(stored.k3).toBe('last');
    expect(stored['k3-49']).toBe('v');
    expect(stored['k1-0']).toBeUndefined();
  });

  it('replaces stored attributes it cannot read instead of failing', async () => {
    const visitor = await createVisitor(server);
    await server.parley.db
      .updateTable('visitors')
      .set({ attributes: '{not json' })
      .where('id', '=', visitor.visitorId)
      .execute();
    const reply = await identify(visitor, { id: 'someone', attributes: { plan: 'pro' } });
    expect(reply.status).toBe(200);
    const row = await server.parley.db
      .selectFrom('visitors')
      .select('attributes')
      .where('id', '=', visitor.visitorId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.attributes!)).toEqual({ plan: 'pro' });
  });
});

describe('identify: a wrong or missing hash never reaches the verified user', () => {
  let verified: VisitorCredentials;
  let secretMessage: Message;

  beforeEach(async () => {
    verified = await createVisitor(server);
    secretMessage = await say(verified, 'my order number is 1234');
    await identify(verified, { id: 'victim', hash: hmac(secret, 'victim') });
  });

  async function expectLocked(
    attacker: VisitorCredentials,
    reply: { status: number; body: IdentifyReply },
  ) {
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ visitorId: attacker.visitorId, token: null, verified: false });
    const socket = await widget(keep(attacker, reply.body));
    const direct = await sync(socket, secretMessage.conversationId);
    expect(direct.ok ? 'read' : direct.error.code).toBe('not_found');
    const latest = await sync(socket);
    expect(latest.ok && latest.data.conversation).toBeNull();
    const sent = await request(socket, 'message:send', {
      conversationId: secretMessage.conversationId,
      clientId: 'intrude',
      body: 'hi',
    });
    expect(sent.ok ? 'sent' : sent.error.code).toBe('not_found');
    const row = await server.parley.db
      .selectFrom('visitors')
      .select(['external_id', 'claimed_id'])
      .where('id', '=', attacker.visitorId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ external_id: null, claimed_id: 'victim' });
  }

  it.each([
    ['a wrong hash', () => hmac('not the secret', 'victim')],
    ['the hash of another id', () => hmac(secret, 'attacker')],
    ['no hash at all', () => undefined],
    ['a hash that is not hex', () => 'z'.repeat(64)],
  ])('with %s: unverified, unlinked, and the socket cannot read or write', async (_what, hash) => {
    const attacker = await createVisitor(server);
    const value = hash();
    await expectLocked(
      attacker,
      await identify(attacker, { id: 'victim', ...(value ? { hash: value } : {}) }),
    );
  });

  it("with the hash made under another site's secret", async () => {
    const other = await api<{ site: SiteSettings }>(server, owner, 'POST', '/api/v1/sites', {
      name: 'Second shop',
      allowedOrigins: [SITE_ORIGIN],
    });
    const otherSecret = (await makeSecret(other.body.site.id)).body.secret;
    const attacker = await createVisitor(server);
    await expectLocked(
      attacker,
      await identify(attacker, { id: 'victim', hash: hmac(otherSecret, 'victim') }),
    );
  });

  it("a verified user's own token replayed for another visitor is refused", async () => {
    const attacker = await createVisitor(server);
    const replay = await identify(
      { visitorId: verified.visitorId, token: attacker.token },
      { id: 'victim', hash: hmac(secret, 'victim') },
    );
    expect([replay.status, replay.body.error?.code]).toEqual([401, 'unauthorized']);
    const forged = await identify(
      { visitorId: attacker.visitorId, token: 'x'.repeat(43) },
      { id: 'victim' },
    );
    expect([forged.status, forged.body.error?.code]).toEqual([401, 'unauthorized']);
  });

  it("a shared browser: another verified user signing in there gets their own history, not the first one's", async () => {
    const other = await createVisitor(server);
    const theirs = await say(other, 'the other user wrote this');
    await identify(other, { id: 'other-user', hash: hmac(secret, 'other-user') });
    const switched = await identify(verified, {
      id: 'other-user',
      hash: hmac(secret, 'other-user'),
    });
    expect(switched.body).toMatchObject({ visitorId: other.visitorId, verified: true });
    const socket = await widget(keep(verified, switched.body));
    expect((await sync(socket, theirs.conversationId)).ok).toBe(true);
    const read = await sync(socket, secretMessage.conversationId);
    expect(read.ok ? 'read' : read.error.code).toBe('not_found');
    // And the first user's conversation stayed theirs.
    const owner = await widget(verified);
    expect((await sync(owner, secretMessage.conversationId)).ok).toBe(true);
  });

  it('a shared browser: another person identifying there gets a fresh visitor, not the history', async () => {
    const someone = await identify(verified, { id: 'someone-else' });
    expect(someone.body.visitorId).not.toBe(verified.visitorId);
    expect(someone.body).toMatchObject({ verified: false, token: expect.any(String) });
    const socket = await widget(keep(verified, someone.body));
    const read = await sync(socket, secretMessage.conversationId);
    expect(read.ok ? 'read' : read.error.code).toBe('not_found');
  });

  it('with "Require verified identity", a wrong or missing hash is refused with a clear code', async () => {
    const set = await api(server, owner, 'PATCH', `/api/v1/sites/${siteId}/identity`, {
      required: true,
    });
    expect(set.body).toMatchObject({ identity: { required: true } });
    const attacker = await createVisitor(server);
    for (const hash of [undefined, hmac('guess', 'victim')]) {
      const reply = await identify(attacker, { id: 'victim', ...(hash ? { hash } : {}) });
      expect([reply.status, reply.body.error?.code]).toEqual([403, 'identity_unverified']);
    }
    const row = await server.parley.db
      .selectFrom('visitors')
      .select(['external_id', 'claimed_id'])
      .where('id', '=', attacker.visitorId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ external_id: null, claimed_id: null });
    const right = await identify(attacker, { id: 'victim', hash: hmac(secret, 'victim') });
    expect(right.body).toMatchObject({ visitorId: verified.visitorId, verified: true });
  });
});
