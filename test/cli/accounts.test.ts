import { afterEach, describe, expect, it } from 'vitest';
import { login } from '../helpers/clients';
import { parleyOn, runParley } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN, startServer, type TestServer } from '../helpers/server';

let server: TestServer | undefined;
let database: TestDatabase | undefined;

afterEach(async () => {
  await server?.close();
  await database?.drop();
  server = undefined;
  database = undefined;
});

const signIn = (s: TestServer, email: string, password: string) =>
  fetch(`${s.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: s.url },
    body: JSON.stringify({ email, password }),
  });

const me = (s: TestServer, cookie: string) => fetch(`${s.url}/api/v1/me`, { headers: { cookie } });

describe('parley reset-password', () => {
  it('lets an admin who lost the password sign in again, and signs out the old sessions', async () => {
    server = await startServer();
    const oldSession = await login(server);
    const password = 'a brand new passphrase';

    const run = await parleyOn(
      server.database.url,
      ['reset-password', '--email', 'Admin@Shop.test', '--password-stdin'],
      { stdin: `${password}\n` },
    );

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`New password set for ${ADMIN.email}; 1 session ended`);
    expect((await signIn(server, ADMIN.email, password)).status).toBe(200);
    expect((await signIn(server, ADMIN.email, ADMIN.password)).status).toBe(401);
    expect((await me(server, oldSession)).status).toBe(401);
  });

  it('refuses an unknown account, a short password and a missing terminal, changing nothing', async () => {
    server = await startServer();
    const url = server.database.url;
    const cases = [
      [
        ['--email', 'nobody@shop.test', '--password-stdin'],
        'long enough password',
        'account_not_found',
      ],
      [['--email', ADMIN.email, '--password-stdin'], 'short', 'password_invalid'],
      [['--email', ADMIN.email], '', 'no_terminal'],
    ] as const;
    for (const [args, stdin, code] of cases) {
      const run = await parleyOn(url, ['reset-password', ...args], { stdin });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`[${code}]`);
    }
    expect((await signIn(server, ADMIN.email, ADMIN.password)).status).toBe(200);
  });
});

describe('parley create-admin', () => {
  it('adds an admin who can sign in, and refuses the same email twice', async () => {
    server = await startServer();
    const url = server.database.url;
    const args = ['create-admin', '--email', 'ops@shop.test', '--name', 'Ops', '--password-stdin'];

    const first = await parleyOn(url, args, { stdin: 'ops password 1\n' });
    const again = await parleyOn(url, args, { stdin: 'ops password 2\n' });

    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created ops@shop.test, admin of My company');
    const res = await signIn(server, 'ops@shop.test', 'ops password 1');
    expect(await res.json()).toMatchObject({ agent: { email: 'ops@shop.test', role: 'admin' } });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[account_exists]');
  });

  it('makes the first owner of an empty database, which then starts with that account', async () => {
    database = await createTestDatabase();
    const run = await parleyOn(
      database.url,
      ['create-admin', '--email', 'owner@shop.test', '--password-stdin'],
      { stdin: 'owner password\n' },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('owner of My company');

    server = await startServer(database);
    expect(server.parley.firstRun).toBeUndefined();
    expect((await signIn(server, 'owner@shop.test', 'owner password')).status).toBe(200);
  });

  it('wants an email address', async () => {
    const run = await runParley(['create-admin', '--email', 'not-an-email', '--password-stdin']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--email: not an email address');
  });
});

describe('parley migrate', () => {
  it('migrates an empty database, then finds it up to date', async () => {
    database = await createTestDatabase();
    const first = await parleyOn(database.url, ['migrate']);
    const second = await parleyOn(database.url, ['migrate']);

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied 0001-initial/);
    expect(second.stdout).toMatch(/is up to date/);
  });

  it('names an unreachable database without its password, and exits non-zero', async () => {
    const run = await parleyOn('postgres://parley:s3cret@127.0.0.1:1/parley', ['migrate']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('postgres://parley:***@127.0.0.1:1/parley');
    expect(run.stderr).toContain('[database_unreachable]');
    expect(run.stderr).not.toContain('s3cret');
  });

  it('answers an unknown command with the list of commands', async () => {
    const run = await runParley(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).toContain('parley migrate-data --from URL --to URL');
  });
});
