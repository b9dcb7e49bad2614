import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/database';
import { ADMIN, startServer, testConfig, type TestServer } from '../../../../test/helpers/server';
import { buildApp } from '../../app';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await server.close();
});

const signIn = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url, ...headers },
    body: JSON.stringify(body),
  });

describe('sign in', () => {
  it('signs in with the first-run admin and keeps the session in an httpOnly, SameSite=Strict cookie', async () => {
    const res = await signIn({ email: 'Admin@Shop.test', password: ADMIN.password });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ agent: { email: ADMIN.email, role: 'owner' } });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^parley_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await fetch(`${server.url}/api/v1/me`, {
      headers: { cookie: cookie.split(';')[0] ?? '' },
    });
    expect(await me.json()).toMatchObject({ agent: { email: ADMIN.email, name: 'Admin' } });
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    for (const body of [
      { email: ADMIN.email, password: 'wrong' },
      { email: 'nobody@shop.test', password: 'wrong' },
    ]) {
      const res = await signIn(body);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'Wrong email or password' },
      });
    }
  });

  it('locks an account after five failures, even for the right password', async () => {
    for (let i = 0; i < 5; i++)
      expect((await signIn({ email: ADMIN.email, password: `guess${i}` })).status).toBe(401);

    const res = await signIn({ email: ADMIN.email, password: ADMIN.password });

    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
  });

  it('refuses a sign-in posted from another origin', async () => {
    const res = await signIn(
      { email: ADMIN.email, password: ADMIN.password },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
  });

  it('ends the session on sign-out', async () => {
    const res = await signIn({ email: ADMIN.email, password: ADMIN.password });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    expect(
      (
        await fetch(`${server.url}/api/v1/auth/logout`, {
          method: 'POST',
          headers: { cookie, origin: server.url },
        })
      ).status,
    ).toBe(204);

    const me = await fetch(`${server.url}/api/v1/me`, { headers: { cookie } });
    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('makes the cookie Secure and __Host- when Parley is served over HTTPS, not on plain HTTP', async () => {
    const plain = await signIn({ email: ADMIN.email, password: ADMIN.password });
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/i);

    const database = await createTestDatabase();
    const https = await buildApp(testConfig(database, { publicUrl: 'https://chat.shop.test' }));
    const res = await https.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin: 'https://chat.shop.test' },
      payload: { email: ADMIN.email, password: ADMIN.password },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-parley_session=[\w-]{40,};/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
    await https.http.close();
    await database.drop();
  });

  it('stores the password as an argon2id hash', async () => {
    const row = await server.parley.db
      .selectFrom('agents')
      .select('password_hash')
      .where('email', '=', ADMIN.email)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });
});
