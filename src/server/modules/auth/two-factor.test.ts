import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import { login } from '../../../../test/helpers/clients';
import { ADMIN, startServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let cookie: string;
let totp: TOTP;

beforeEach(async () => {
  server = await startServer();
  cookie = await login(server);
});
afterEach(async () => {
  await server.close();
});

/** The code an authenticator app shows `stepsAhead` periods from now. */
const codeAt = (stepsAhead = 0) => totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
const signIn = (code?: string) =>
  api(server, undefined, 'POST', '/api/v1/auth/login', { ...ADMIN, ...(code ? { code } : {}) });

async function enable(): Promise<string[]> {
  const setup = await api<{ secret: string; uri: string; qrCode: string }>(
    server,
    cookie,
    'POST',
    '/api/v1/me/two-factor/setup',
  );
  expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/Parley:admin%40shop\.test\?/);
  expect(setup.body.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
  totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret), period: 30 });
  // Until it is confirmed, signing in is as before.
  expect((await signIn()).status).toBe(200);
  const wrong = await api(server, cookie, 'POST', '/api/v1/me/two-factor/enable', {
    code: codeAt(5),
  });
  expect([wrong.status, codeOf(wrong)]).toEqual([401, 'invalid_code']);
  const res = await api<{ recoveryCodes: string[] }>(
    server,
    cookie,
    'POST',
    '/api/v1/me/two-factor/enable',
    { code: codeAt(-1) },
  );
  expect(res.status).toBe(200);
  return res.body.recoveryCodes;
}

describe('two-factor sign-in', () => {
  it('asks for a code, takes each code once, and takes each recovery code once', async () => {
    const recovery = await enable();
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);

    const noCode = await signIn();
    expect([noCode.status, codeOf(noCode)]).toEqual([401, 'two_factor_required']);
    const code = codeAt(0);
    expect((await signIn(code)).status).toBe(200);
    const reused = await signIn(code);
    expect([reused.status, codeOf(reused)]).toEqual([401, 'code_used']);
    // The one used at setup (a step earlier) is older still: refused too.
    expect(codeOf(await signIn(codeAt(-1)))).toBe('code_used');

    expect((await signIn(recovery[0]!.toUpperCase())).status).toBe(200);
    const again = await signIn(recovery[0]);
    expect([again.status, codeOf(again)]).toEqual([401, 'invalid_code']);
    const wrongPassword = await api(server, undefined, 'POST', '/api/v1/auth/login', {
      email: ADMIN.email,
      password: 'wrong',
      code: recovery[1],
    });
    expect(codeOf(wrongPassword)).toBe('invalid_credentials');
    expect((await signIn(recovery[1])).status).toBe(200);
  });

  it('throttles guessed codes like guessed passwords, even before the right one', async () => {
    await enable();
    for (const guess of ['000000', '111111', '222222', '333333', '444444']) {
      expect(codeOf(await signIn(guess))).toBe('invalid_code');
    }
    const res = await signIn(codeAt(1));
    expect([res.status, codeOf(res)]).toEqual([429, 'too_many_attempts']);
  });
});
