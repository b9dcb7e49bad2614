import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import { connectAgent, login } from '../../../../test/helpers/clients';
import { createAgent } from '../../../../test/helpers/factories';
import { ADMIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { SessionView } from '../../../protocol/settings-schemas';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

const NEW_PASSWORD = 'a brand new password';
const sessionsOf = async (cookie: string) =>
  (await api<{ sessions: SessionView[] }>(server, cookie, 'GET', '/api/v1/me/sessions')).body
    .sessions;

describe('Settings → Profile', () => {
  it('changes the password, ending every other session and closing its sockets at once', async () => {
    const here = await login(server);
    const elsewhere = await login(server);
    const socket = await connectAgent(server, elsewhere);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const wrong = await api(server, here, 'POST', '/api/v1/me/password', {
      currentPassword: 'not it',
      newPassword: NEW_PASSWORD,
    });
    expect([wrong.status, codeOf(wrong)]).toEqual([401, 'invalid_credentials']);
    expect((await api(server, elsewhere, 'GET', '/api/v1/me')).status).toBe(200);

    const res = await api(server, here, 'POST', '/api/v1/me/password', {
      currentPassword: ADMIN.password,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect((await api(server, elsewhere, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await api(server, here, 'GET', '/api/v1/me')).status).toBe(200);
    await expect(login(server)).rejects.toThrow(/401/);
    await login(server, { email: ADMIN.email, password: NEW_PASSWORD });
  });

  it('lists the sessions and signs one out, closing its sockets', async () => {
    const here = await login(server);
    const elsewhere = await login(server);
    const socket = await connectAgent(server, elsewhere);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const sessions = await sessionsOf(here);
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;

    expect((await api(server, here, 'DELETE', `/api/v1/me/sessions/${other.id}`)).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect((await api(server, elsewhere, 'GET', '/api/v1/me')).status).toBe(401);
    expect(await sessionsOf(here)).toEqual(sessions.filter((s) => s.current));
  });

  it("cannot sign out another agent's session, and changes name and email", async () => {
    const org = await server.parley.db
      .selectFrom('organizations')
      .select('id')
      .executeTakeFirstOrThrow();
    await createAgent(server.parley.db, org.id, {
      email: 'b@shop.test',
      password: NEW_PASSWORD,
      role: 'agent',
    });
    const mine = await login(server);
    const theirs = await login(server, { email: 'b@shop.test', password: NEW_PASSWORD });
    const [theirSession] = await sessionsOf(theirs);
    const res = await api(server, mine, 'DELETE', `/api/v1/me/sessions/${theirSession!.id}`);
    expect([res.status, codeOf(res)]).toEqual([404, 'not_found']);
    expect((await api(server, theirs, 'GET', '/api/v1/me')).status).toBe(200);

    const noPassword = await api(server, mine, 'PATCH', '/api/v1/me', { email: 'new@shop.test' });
    expect(codeOf(noPassword)).toBe('invalid_credentials');
    const taken = await api(server, mine, 'PATCH', '/api/v1/me', {
      email: 'b@shop.test',
      currentPassword: ADMIN.password,
    });
    expect(codeOf(taken)).toBe('email_taken');
    const renamed = await api(server, mine, 'PATCH', '/api/v1/me', {
      name: 'Alice',
      email: 'alice@shop.test',
      currentPassword: ADMIN.password,
    });
    expect(renamed.body).toMatchObject({ agent: { name: 'Alice', email: 'alice@shop.test' } });
    await login(server, { email: 'alice@shop.test', password: ADMIN.password });
  });

  it('keeps the console language and the languages spoken, for the agent alone', async () => {
    const org = await server.parley.db
      .selectFrom('organizations')
      .select('id')
      .executeTakeFirstOrThrow();
    await createAgent(server.parley.db, org.id, {
      email: 'b@shop.test',
      password: NEW_PASSWORD,
      role: 'agent',
    });
    const mine = await login(server);
    const theirs = await login(server, { email: 'b@shop.test', password: NEW_PASSWORD });
    expect((await api(server, mine, 'GET', '/api/v1/me')).body).toMatchObject({
      locale: null,
      languages: [],
    });

    const changed = await api(server, mine, 'PATCH', '/api/v1/me', {
      locale: 'zh-Hant',
      languages: ['zh-hant', 'en', 'pt-br', 'en'],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      locale: 'zh-Hant',
      languages: ['zh-Hant', 'en', 'pt-BR'],
    });
    expect((await api(server, mine, 'GET', '/api/v1/me')).body).toMatchObject({
      locale: 'zh-Hant',
      languages: ['zh-Hant', 'en', 'pt-BR'],
    });
    // Routing reads the same languages Settings → Team shows.
    const team = await api<{ members: { email: string; languages: string[] }[] }>(
      server,
      mine,
      'GET',
      '/api/v1/team',
    );
    expect(team.body.members.find((m) => m.email === ADMIN.email)?.languages).toEqual([
      'zh-Hant',
      'en',
      'pt-BR',
    ]);
    expect((await api(server, theirs, 'GET', '/api/v1/me')).body).toMatchObject({
      locale: null,
      languages: [],
    });

    const unknown = await api(server, mine, 'PATCH', '/api/v1/me', { locale: 'xx' });
    expect(unknown.status).toBe(400);
    const notATag = await api(server, mine, 'PATCH', '/api/v1/me', { languages: ['not a tag'] });
    expect(notATag.status).toBe(400);
    const browser = await api(server, mine, 'PATCH', '/api/v1/me', { locale: null });
    expect(browser.body).toMatchObject({ locale: null, languages: ['zh-Hant', 'en', 'pt-BR'] });
  });
});
