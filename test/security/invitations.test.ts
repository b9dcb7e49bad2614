/**
 * Proactive invitations, as an attacker would try them: another organization's agent inviting
 * or reading rules, a visitor dismissing or answering someone else's invitation, forged tokens
 * and origins, malformed payloads, and a flood of dismissals. Nothing of anyone else changes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../helpers/api';
import {
  connected,
  createVisitor,
  login,
  request,
  visitorSocket,
  type VisitorCredentials,
  type VisitorSocket,
} from '../helpers/clients';
import { createOrganization } from '../helpers/factories';
import { startVisit } from '../helpers/invitation-visits';
import { SITE_ORIGIN, startServer, type TestServer } from '../helpers/server';

const FOREIGN = { email: 'owner@rival.test', password: 'a long enough password' };
let server: TestServer;
let admin: string;
let rival: { cookie: string; widgetKey: string };
let visitor: VisitorCredentials;
let invitationId: string;
const sockets: VisitorSocket[] = [];

beforeEach(async () => {
  server = await startServer();
  admin = await login(server);
  const { widgetKey } = await createOrganization(
    server.parley.db,
    'rival',
    FOREIGN,
    'https://rival.test',
  );
  rival = { cookie: await login(server, FOREIGN), widgetKey };
  visitor = await createVisitor(server);
  await startVisit(server.parley.db, visitor.visitorId);
  const sent = await api<{ invitation: { id: string } }>(
    server,
    admin,
    'POST',
    `/api/v1/visitors/${visitor.visitorId}/invitations`,
    { message: 'Hello there' },
  );
  invitationId = sent.body.invitation.id;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server.close();
});

const invitation = () =>
  server.parley.db.selectFrom('invitations').selectAll().executeTakeFirstOrThrow();

function dismiss(body: unknown, origin = SITE_ORIGIN) {
  return fetch(`${server.url}/api/v1/widget/invitations/${invitationId}/dismiss`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('another organization', () => {
  it("cannot invite the visitor, nor read or replace the site's rules", async () => {
    const path = `/api/v1/visitors/${visitor.visitorId}/invitations`;
    expect(codeOf(await api(server, rival.cookie, 'POST', path, { message: 'x' }))).toBe(
      'not_found',
    );
    const site = await server.parley.db
      .selectFrom('sites')
      .select('id')
      .where('widget_key', '=', server.widgetKey)
      .executeTakeFirstOrThrow();
    const rules = `/api/v1/sites/${site.id}/invitation-rules`;
    expect(codeOf(await api(server, rival.cookie, 'GET', rules))).toBe('not_found');
    expect(codeOf(await api(server, rival.cookie, 'PUT', rules, { rules: [] }))).toBe('not_found');
  });

  it("a rival site's visitor cannot answer or dismiss this invitation", async () => {
    const res = await fetch(`${server.url}/api/v1/widget/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://rival.test' },
      body: JSON.stringify({ siteKey: rival.widgetKey }),
    });
    const other = (await res.json()) as VisitorCredentials;
    const body = { siteKey: rival.widgetKey, ...other };
    expect((await dismiss(body, 'https://rival.test')).status).toBe(404);
    const socket = visitorSocket(
      { url: server.url, widgetKey: rival.widgetKey },
      { token: other.token },
      'https://rival.test',
    );
    sockets.push(await connected(socket));
    const reply = await request(socket, 'invitation:reply', { invitationId });
    expect(reply.ok ? null : reply.error.code).toBe('not_found');
    expect(await invitation()).toMatchObject({ dismissed_at: null, answered_at: null });
  });
});

describe('the visitor side', () => {
  it('refuses malformed answers with a clear code, changing nothing', async () => {
    const socket = visitorSocket(server, { token: visitor.token });
    sockets.push(await connected(socket));
    for (const payload of [
      {},
      { invitationId: 42 },
      { invitationId: '' },
      { invitationId: 'x'.repeat(65) },
      { invitationId, extra: true },
      null,
    ]) {
      const reply = await request(socket, 'invitation:reply', payload);
      expect(reply.ok ? null : reply.error.code).toBe('invalid_payload');
    }
    for (const body of ['{', '[]', { siteKey: server.widgetKey }, '\u0000']) {
      expect((await dismiss(body)).status).toBe(400);
    }
    expect(await invitation()).toMatchObject({ dismissed_at: null, answered_at: null });
  });

  it('answers a flood of dismissals with rate_limited', async () => {
    const forged = { siteKey: server.widgetKey, visitorId: visitor.visitorId, token: 'forged' };
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await dismiss(forged)).status);
    expect(statuses.at(-1)).toBe(429);
    expect(new Set(statuses.slice(0, 60))).toEqual(new Set([401]));
    expect((await invitation()).dismissed_at).toBeNull();
  });
});
