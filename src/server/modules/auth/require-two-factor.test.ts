import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import { agentSocket, connected, login } from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { ADMIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { OrganizationSettings } from '../../../protocol/settings-schemas';

let server: TestServer;
let owner: string;
beforeEach(async () => {
  server = await startServer();
  owner = await login(server);
});
afterEach(async () => {
  await server.close();
});

const PASSWORD = 'a long enough password';
const orgOf = (reply: { body: unknown }) =>
  (reply.body as { organization: OrganizationSettings }).organization;

/** Turns two-factor sign-in on for the agent behind `cookie`; its app and recovery codes. */
async function enrol(cookie: string) {
  const setup = await api<{ secret: string }>(
    server,
    cookie,
    'POST',
    '/api/v1/me/two-factor/setup',
  );
  expect(setup.status).toBe(200);
  const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret), period: 30 });
  const codeAt = (stepsAhead: number) =>
    totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
  const res = await api<{ recoveryCodes: string[] }>(
    server,
    cookie,
    'POST',
    '/api/v1/me/two-factor/enable',
    { code: codeAt(-1) },
  );
  expect(res.status).toBe(200);
  return { codeAt, recovery: res.body.recoveryCodes };
}

const requireTwoFactor = (cookie: string, on: boolean) =>
  api(server, cookie, 'PATCH', '/api/v1/organization', { requireTwoFactor: on });

/** What a handshake to /agent answers: 'connected', or the refusal's code. */
async function handshake(cookie: string): Promise<unknown> {
  try {
    (await connected(agentSocket(server, cookie))).close();
    return 'connected';
  } catch (error) {
    return (error as { data?: { code?: string } }).data?.code;
  }
}

describe('requiring two-factor sign-in', () => {
  it('is for owners who have it themselves, so nobody locks themselves out', async () => {
    const notYet = await requireTwoFactor(owner, true);
    expect([notYet.status, codeOf(notYet)]).toEqual([409, 'two_factor_not_enabled']);
    expect(orgOf(await api(server, owner, 'GET', '/api/v1/organization')).requireTwoFactor).toBe(
      false,
    );

    const orgId = (await api<{ agent: { orgId: string } }>(server, owner, 'GET', '/api/v1/me')).body
      .agent.orgId;
    await createAgent(server.parley.db, orgId, {
      email: 'admin2@shop.test',
      password: PASSWORD,
      role: 'admin',
    });
    const admin = await login(server, { email: 'admin2@shop.test', password: PASSWORD });
    await enrol(admin);
    const byAdmin = await requireTwoFactor(admin, true);
    expect([byAdmin.status, codeOf(byAdmin)]).toEqual([403, 'forbidden']);
    // Admins still change the rest.
    expect(
      (await api(server, admin, 'PATCH', '/api/v1/organization', { name: 'Renamed' })).status,
    ).toBe(200);

    await enrol(owner);
    const on = await requireTwoFactor(owner, true);
    expect(on.status).toBe(200);
    expect(orgOf(on).requireTwoFactor).toBe(true);
  });

  it('holds an agent without it to its setup, on REST and the socket, until they turn it on', async () => {
    const orgId = (await api<{ agent: { orgId: string } }>(server, owner, 'GET', '/api/v1/me')).body
      .agent.orgId;
    await createAgent(server.parley.db, orgId, {
      email: 'agent@shop.test',
      password: PASSWORD,
      role: 'agent',
    });
    // Another organization's agent: the requirement is not theirs.
    const other = await createOrganization(
      server.parley.db,
      'other',
      { email: 'o@other.test', password: PASSWORD },
      'http://other.test',
    );
    expect(other.orgId).not.toBe(orgId);
    const outsider = await login(server, { email: 'o@other.test', password: PASSWORD });

    // Signed in and connected before the requirement: the socket closes when it comes.
    const early = await connected(
      agentSocket(server, await login(server, { email: 'agent@shop.test', password: PASSWORD })),
    );
    const closed = new Promise<string>((resolve) => early.once('disconnect', resolve));
    const outsiderSocket = await connected(agentSocket(server, outsider));

    await enrol(owner);
    expect((await requireTwoFactor(owner, true)).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(outsiderSocket.connected).toBe(true);
    outsiderSocket.close();

    // Signing in still works (there is no code to ask for): the session is held to the setup.
    const agent = await login(server, { email: 'agent@shop.test', password: PASSWORD });
    const me = await api<{ twoFactorSetupRequired: boolean }>(server, agent, 'GET', '/api/v1/me');
    expect([me.status, me.body.twoFactorSetupRequired]).toEqual([200, true]);
    for (const [method, path] of [
      ['GET', '/api/v1/conversations'],
      ['GET', '/api/v1/organization'],
      ['GET', '/api/v1/me/sessions'],
      ['PATCH', '/api/v1/me'],
    ] as const) {
      const res = await api(
        server,
        agent,
        method,
        path,
        method === 'PATCH' ? { name: 'x' } : undefined,
      );
      expect([path, res.status, codeOf(res)]).toEqual([path, 403, 'two_factor_setup_required']);
    }
    expect(await handshake(agent)).toBe('two_factor_setup_required');
    // Others are not held: the enrolled owner, and the other organization's agent.
    expect(await handshake(owner)).toBe('connected');
    expect(await handshake(outsider)).toBe('connected');
    expect((await api(server, outsider, 'GET', '/api/v1/conversations')).status).toBe(200);

    await enrol(agent);
    expect((await api(server, agent, 'GET', '/api/v1/conversations')).status).toBe(200);
    expect(await handshake(agent)).toBe('connected');
    const after = await api<{ twoFactorSetupRequired: boolean; twoFactorEnabled: boolean }>(
      server,
      agent,
      'GET',
      '/api/v1/me',
    );
    expect([after.body.twoFactorSetupRequired, after.body.twoFactorEnabled]).toEqual([false, true]);

    // Turned off again, nobody is held.
    expect(orgOf(await requireTwoFactor(owner, false)).requireTwoFactor).toBe(false);
  });

  it("an outsider's setting touches only their own organization", async () => {
    await createOrganization(
      server.parley.db,
      'other',
      { email: 'o@other.test', password: PASSWORD },
      'http://other.test',
    );
    const outsider = await login(server, { email: 'o@other.test', password: PASSWORD });
    await enrol(outsider);
    expect(orgOf(await requireTwoFactor(outsider, true)).requireTwoFactor).toBe(true);
    const mine = await api(server, owner, 'GET', '/api/v1/organization');
    expect(orgOf(mine).requireTwoFactor).toBe(false);
    expect((await api(server, owner, 'GET', '/api/v1/conversations')).status).toBe(200);
  });
});

describe('turning two-factor sign-in off, and new recovery codes', () => {
  it('turns off with the password and an unused code; not while the organization requires it', async () => {
    const { codeAt, recovery } = await enrol(owner);
    const disable = (body: object) =>
      api(server, owner, 'POST', '/api/v1/me/two-factor/disable', body);

    const wrongPassword = await disable({ currentPassword: 'nope', code: codeAt(0) });
    expect([wrongPassword.status, codeOf(wrongPassword)]).toEqual([401, 'invalid_credentials']);
    // The code used to enable it is refused again.
    const reused = await disable({ currentPassword: ADMIN.password, code: codeAt(-1) });
    expect([reused.status, codeOf(reused)]).toEqual([401, 'code_used']);

    expect((await requireTwoFactor(owner, true)).status).toBe(200);
    const required = await disable({ currentPassword: ADMIN.password, code: codeAt(0) });
    expect([required.status, codeOf(required)]).toEqual([409, 'two_factor_policy']);
    expect((await requireTwoFactor(owner, false)).status).toBe(200);

    expect((await disable({ currentPassword: ADMIN.password, code: recovery[0] })).status).toBe(
      204,
    );
    // Signing in asks for no code any more, and a recovery code is no longer anything.
    expect((await api(server, undefined, 'POST', '/api/v1/auth/login', ADMIN)).status).toBe(200);
    const again = await disable({ currentPassword: ADMIN.password, code: recovery[1] });
    expect([again.status, codeOf(again)]).toEqual([409, 'two_factor_not_enabled']);
  });

  it('regenerates recovery codes for a good code; the old ones stop working', async () => {
    const { codeAt, recovery } = await enrol(owner);
    const regenerate = (code: string) =>
      api<{ recoveryCodes: string[] }>(
        server,
        owner,
        'POST',
        '/api/v1/me/two-factor/recovery-codes',
        { code },
      );

    const wrong = await regenerate('000000');
    expect([wrong.status, codeOf(wrong)]).toEqual([401, 'invalid_code']);
    const code = codeAt(0);
    const fresh = await regenerate(code);
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(fresh.body.recoveryCodes).not.toContain(recovery[0]);
    const reused = await regenerate(code);
    expect([reused.status, codeOf(reused)]).toEqual([401, 'code_used']);

    const signIn = (c: string) =>
      api(server, undefined, 'POST', '/api/v1/auth/login', { ...ADMIN, code: c });
    expect(codeOf(await signIn(recovery[0]!))).toBe('invalid_code');
    expect((await signIn(fresh.body.recoveryCodes[0]!)).status).toBe(200);
  });
});
