import { afterEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import { connectAgent, login } from '../../../../test/helpers/clients';
import { ADMIN, startServer, type TestServer } from '../../../../test/helpers/server';
import { startMailbox, type TestMailbox } from '../../../../test/helpers/smtp';

let server: TestServer;
let mailbox: TestMailbox | undefined;
afterEach(async () => {
  await server.close();
  await mailbox?.close();
  mailbox = undefined;
});

const NEW_PASSWORD = 'my new long password';
const forgot = (email: string) => api(server, undefined, 'POST', '/api/v1/auth/forgot', { email });
const reset = (token: string, password = NEW_PASSWORD) =>
  api(server, undefined, 'POST', '/api/v1/auth/reset', { token, password });

/** The mailbox's messages, once `count` arrived (the email goes out after the answer). */
async function mailsOnce(count: number): Promise<void> {
  await expect.poll(() => mailbox!.mails.length).toBe(count);
}

describe('Forgot password? without SMTP', () => {
  it('says to use parley reset-password: no email recovery here', async () => {
    server = await startServer();
    expect((await api(server, undefined, 'GET', '/api/v1/auth/recovery')).body).toEqual({
      byEmail: false,
    });
    expect((await forgot(ADMIN.email)).status).toBe(404);
  });
});

describe('Forgot password? by email', () => {
  it('answers alike for any email, and the emailed link sets a password once and signs out everywhere', async () => {
    mailbox = await startMailbox();
    server = await startServer(undefined, { smtp: { url: mailbox.url, from: 'p@shop.test' } });
    expect((await api(server, undefined, 'GET', '/api/v1/auth/recovery')).body).toEqual({
      byEmail: true,
    });
    const old = await login(server);
    const socket = await connectAgent(server, old);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const unknown = await forgot('nobody@shop.test');
    const known = await forgot(ADMIN.email);
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    expect(known.status).toBe(202);
    await mailsOnce(1);
    const text = mailbox.text(0);
    expect(text).toMatch(/^To: admin@shop\.test/m);
    const token = /\/console\/reset#token=([\w-]{43})/.exec(text)![1]!;

    expect((await reset(token, 'short')).status).toBe(400);
    expect((await reset(token)).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect((await api(server, old, 'GET', '/api/v1/me')).status).toBe(401);
    await login(server, { email: ADMIN.email, password: NEW_PASSWORD });

    const again = await reset(token, 'yet another password');
    expect([again.status, codeOf(again)]).toEqual([410, 'reset_used']);
    await login(server, { email: ADMIN.email, password: NEW_PASSWORD });
    const made = await reset('x'.repeat(43));
    expect([made.status, codeOf(made)]).toEqual([404, 'not_found']);
  });

  it('refuses an expired link and changes nothing', async () => {
    mailbox = await startMailbox();
    server = await startServer(undefined, { smtp: { url: mailbox.url, from: 'p@shop.test' } });
    await forgot(ADMIN.email);
    await mailsOnce(1);
    const token = /\/console\/reset#token=([\w-]{43})/.exec(mailbox.text(0))![1]!;
    await server.parley.db
      .updateTable('password_resets')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const res = await reset(token);
    expect([res.status, codeOf(res)]).toEqual([410, 'reset_expired']);
    await login(server);
  });
});
