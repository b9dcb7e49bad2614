import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import { connectAgent, login } from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { ADMIN, startServer, type TestServer } from '../../../../test/helpers/server';
import { startMailbox, type TestMailbox } from '../../../../test/helpers/smtp';
import type { Invite, TeamMember } from '../../../protocol/settings-schemas';

const PASSWORD = 'a long enough password';
let server: TestServer;
let owner: string;
let orgId: string;

async function start(overrides = {}) {
  server = await startServer(undefined, overrides);
  owner = await login(server);
  orgId = (
    await server.parley.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()
  ).id;
}
afterEach(async () => {
  await server.close();
});

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');
const invite = (body: object, cookie = owner) =>
  api<{ invite: Invite }>(server, cookie, 'POST', '/api/v1/team/invites', body);
const accept = (token: string, name = 'Nadia') =>
  api<{ agent: TeamMember }>(server, undefined, 'POST', '/api/v1/invites/accept', {
    token,
    name,
    password: PASSWORD,
  });
const members = async () =>
  (await api<{ members: TeamMember[] }>(server, owner, 'GET', '/api/v1/team')).body.members;

describe('invitations without SMTP', () => {
  beforeEach(() => start());

  it('gives a link to copy that works once, for 7 days, and makes an account that signs in', async () => {
    const res = await invite({ email: 'Nadia@Shop.test', role: 'agent' });
    expect(res.status).toBe(201);
    expect(res.body.invite).toMatchObject({
      email: 'nadia@shop.test',
      role: 'agent',
      emailed: false,
    });
    const link = res.body.invite.link!;
    expect(link).toMatch(/^http:\/\/shop\.test\/console\/join#token=[\w-]{43}$/);
    const days = (Date.parse(res.body.invite.expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
    const stored = await server.parley.db
      .selectFrom('invites')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(tokenOf(link));

    const lookup = await api(server, undefined, 'POST', '/api/v1/invites/lookup', {
      token: tokenOf(link),
    });
    expect(lookup.body).toEqual({
      invite: { email: 'nadia@shop.test', organization: 'My company', role: 'agent' },
    });
    expect((await accept(tokenOf(link))).status).toBe(201);
    await login(server, { email: 'nadia@shop.test', password: PASSWORD });

    const again = await accept(tokenOf(link), 'Someone else');
    expect(again.status).toBe(410);
    expect(codeOf(again)).toBe('invite_used');
    expect((await members()).filter((m) => m.email === 'nadia@shop.test')).toEqual([
      expect.objectContaining({ name: 'Nadia', status: 'active' }),
    ]);
  });

  it('refuses an expired link, an unknown one, and an email that has an account', async () => {
    const { link } = (await invite({ email: 'late@shop.test' })).body.invite;
    await server.parley.db
      .updateTable('invites')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const expired = await accept(tokenOf(link!));
    expect([expired.status, codeOf(expired)]).toEqual([410, 'invite_expired']);
    const unknown = await accept('x'.repeat(43));
    expect([unknown.status, codeOf(unknown)]).toEqual([404, 'not_found']);
    const taken = await invite({ email: ADMIN.email });
    expect([taken.status, codeOf(taken)]).toEqual([409, 'email_taken']);
    expect((await members()).map((m) => m.email)).toEqual([ADMIN.email]);
  });
});

describe('invitations by SMTP', () => {
  let mailbox: TestMailbox;

  beforeEach(async () => {
    mailbox = await startMailbox();
    await start({ smtp: { url: mailbox.url, from: 'Parley <parley@shop.test>' } });
  });
  afterEach(() => mailbox.close());

  it('emails the link to the invitee only, and the emailed link works', async () => {
    const res = await invite({ email: 'mail@shop.test', role: 'admin' });
    expect(res.body.invite).toMatchObject({ link: null, emailed: true, role: 'admin' });
    expect(mailbox.mails).toHaveLength(1);
    const text = mailbox.text(0);
    expect(text).toMatch(/^To: mail@shop\.test/m);
    const link = /http:\/\/shop\.test\/console\/join#token=[\w-]{43}/.exec(text)![0];
    expect((await accept(tokenOf(link))).status).toBe(201);
  });
});

describe('roles and deactivation', () => {
  beforeEach(() => start());

  it('never leaves the organization without an owner', async () => {
    const me = (await members())[0]!;
    const demote = await api(server, owner, 'PATCH', `/api/v1/team/agents/${me.id}`, {
      role: 'admin',
    });
    expect([demote.status, codeOf(demote)]).toEqual([409, 'last_owner']);
    const deactivate = await api(server, owner, 'POST', `/api/v1/team/agents/${me.id}/deactivate`);
    expect([deactivate.status, codeOf(deactivate)]).toEqual([409, 'last_owner']);
    expect((await members())[0]).toEqual(me);

    // With a second owner, the first may step down.
    const second = await createAgent(server.parley.db, orgId, {
      email: 'second@shop.test',
      password: PASSWORD,
      role: 'agent',
    });
    await api(server, owner, 'PATCH', `/api/v1/team/agents/${second}`, { role: 'owner' });
    const res = await api(server, owner, 'PATCH', `/api/v1/team/agents/${me.id}`, {
      role: 'admin',
    });
    expect(res.status).toBe(200);
  });

  it('lets only owners touch owners, and refuses agents every team route', async () => {
    await createAgent(server.parley.db, orgId, {
      email: 'adm@shop.test',
      password: PASSWORD,
      role: 'admin',
    });
    const target = await createAgent(server.parley.db, orgId, {
      email: 'ag@shop.test',
      password: PASSWORD,
      role: 'agent',
    });
    const admin = await login(server, { email: 'adm@shop.test', password: PASSWORD });
    const agent = await login(server, { email: 'ag@shop.test', password: PASSWORD });
    const toOwner = await api(server, admin, 'PATCH', `/api/v1/team/agents/${target}`, {
      role: 'owner',
    });
    expect(codeOf(toOwner)).toBe('forbidden');
    expect(codeOf(await invite({ email: 'x@shop.test', role: 'owner' }, admin))).toBe('forbidden');
    for (const [method, path, body] of [
      ['GET', '/api/v1/team'],
      ['POST', '/api/v1/team/invites', { email: 'y@shop.test' }],
      ['PATCH', `/api/v1/team/agents/${target}`, { role: 'admin' }],
      ['POST', `/api/v1/team/agents/${target}/deactivate`],
    ] as const) {
      expect(codeOf(await api(server, agent, method, path, body)), path).toBe('forbidden');
    }
    expect((await members()).find((m) => m.id === target)).toMatchObject({
      role: 'agent',
      status: 'active',
    });
  });

  it('makes supervisors by invitation and by role change, and a supervisor cannot manage the team', async () => {
    const { link } = (await invite({ email: 'sup@shop.test', role: 'supervisor' })).body.invite;
    const joined = await accept(tokenOf(link!), 'Sam');
    expect(joined.body.agent).toMatchObject({ role: 'supervisor' });
    const sup = await login(server, { email: 'sup@shop.test', password: PASSWORD });
    const target = await createAgent(server.parley.db, orgId, {
      email: 'promoted@shop.test',
      password: PASSWORD,
      role: 'agent',
    });
    const promote = await api(server, owner, 'PATCH', `/api/v1/team/agents/${target}`, {
      role: 'supervisor',
    });
    expect(promote.body).toMatchObject({ agent: { id: target, role: 'supervisor' } });
    for (const [method, path, body] of [
      ['GET', '/api/v1/team'],
      ['POST', '/api/v1/team/invites', { email: 'z@shop.test', role: 'supervisor' }],
      ['PATCH', `/api/v1/team/agents/${target}`, { role: 'agent' }],
    ] as const) {
      expect(codeOf(await api(server, sup, method, path, body)), path).toBe('forbidden');
    }
    const bad = await api(server, owner, 'PATCH', `/api/v1/team/agents/${target}`, {
      role: 'boss',
    });
    expect([bad.status, codeOf(bad)]).toEqual([400, 'invalid_payload']);
    expect((await members()).find((m) => m.id === target)?.role).toBe('supervisor');
  });

  it('deactivation ends their sessions and closes their sockets at once, and keeps them listed', async () => {
    const id = await createAgent(server.parley.db, orgId, {
      email: 'leaving@shop.test',
      password: PASSWORD,
      role: 'agent',
    });
    const cookie = await login(server, { email: 'leaving@shop.test', password: PASSWORD });
    const socket = await connectAgent(server, cookie);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const res = await api(server, owner, 'POST', `/api/v1/team/agents/${id}/deactivate`);
    expect(res.body).toMatchObject({ agent: { status: 'deactivated' } });
    expect(await closed).toBe('io server disconnect');
    expect((await api(server, cookie, 'GET', '/api/v1/me')).status).toBe(401);
    await expect(login(server, { email: 'leaving@shop.test', password: PASSWORD })).rejects.toThrow(
      /401/,
    );
    expect((await members()).find((m) => m.id === id)?.status).toBe('deactivated');
  });

  it("answers not_found for another organization's agent", async () => {
    const other = await createOrganization(
      server.parley.db,
      'other',
      { email: 'boss@other.test', password: PASSWORD },
      'https://other.test',
    );
    const theirs = await server.parley.db
      .selectFrom('agents')
      .select('id')
      .where('org_id', '=', other.orgId)
      .executeTakeFirstOrThrow();
    const res = await api(server, owner, 'POST', `/api/v1/team/agents/${theirs.id}/deactivate`);
    expect([res.status, codeOf(res)]).toEqual([404, 'not_found']);
    await login(server, { email: 'boss@other.test', password: PASSWORD });
  });
});

describe('Settings → Organization', () => {
  beforeEach(() => start());

  it('changes name, language and time zone, and refuses what is not one', async () => {
    const res = await api(server, owner, 'PATCH', '/api/v1/organization', {
      name: 'Shop Ltd',
      defaultLanguage: 'pt-BR',
      timeZone: 'Europe/Paris',
    });
    expect(res.body).toMatchObject({
      organization: { name: 'Shop Ltd', defaultLanguage: 'pt-BR', timeZone: 'Europe/Paris' },
    });
    for (const body of [
      { timeZone: 'Mars/Olympus' },
      { defaultLanguage: 'not a tag!' },
      { name: ' ' },
    ]) {
      const bad = await api(server, owner, 'PATCH', '/api/v1/organization', body);
      expect([bad.status, codeOf(bad)]).toEqual([400, 'invalid_payload']);
    }
    expect((await api(server, owner, 'GET', '/api/v1/organization')).body).toEqual(res.body);
  });
});
