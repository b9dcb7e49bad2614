/**
 * `parley backup` of a running server while visitors are sending, and `parley restore` of it —
 * on the engine under test (npm run test:db runs it on all three).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/server/db/database';
import { listTables } from '../../src/server/db/dialect';
import { connectVisitor, createVisitor, request, type VisitorSocket } from '../helpers/clients';
import { parleyOn } from '../helpers/cli';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../helpers/database';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer | undefined;
const databases: TestDatabase[] = [];
const pools: Db[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.destroy();
  await server?.close();
  server = undefined;
  for (const database of databases.splice(0)) await database.drop();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function open(url: string): Promise<Db> {
  const db = await createDb(url, { poolSize: 2 });
  pools.push(db);
  return db;
}

function integrityCheck(file: string): string {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare('pragma integrity_check').get() as { integrity_check: string })
      .integrity_check;
  } finally {
    db.close();
  }
}

/** Visitors that keep sending, one message after another, each remembering what was acked. */
function keepSending(sockets: VisitorSocket[]) {
  const acked = sockets.map(() => new Set<string>());
  let sending = true;
  const done = Promise.all(
    sockets.map(async (socket, v) => {
      for (let i = 1; sending; i++) {
        const clientId = `v${v}-m${i}`;
        const result = await request(socket, 'message:send', { clientId, body: `message ${i} 😀` });
        if (result.ok) acked[v]!.add(clientId);
      }
    }),
  );
  return {
    acked,
    stop: async () => {
      sending = false;
      await done;
    },
  };
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe(`parley backup and restore (${TEST_ENGINE})`, () => {
  it('backs up a running server while visitors send, and restores every message acked before it began, once', async () => {
    server = await startServer();
    const visitors = await Promise.all([1, 2, 3].map(() => createVisitor(server!)));
    const sockets = await Promise.all(visitors.map((v) => connectVisitor(server!, v)));
    const senders = keepSending(sockets);
    await waitUntil(() => senders.acked.every((set) => set.size >= 5));

    const ackedBefore = senders.acked.map((set) => new Set(set));
    const file = path.join(server.database.dataDir, 'backup.sqlite');
    const backup = await parleyOn(server.database.url, ['backup', file]);
    const ackedDuring = senders.acked.reduce((n, set) => n + set.size, 0);
    await senders.stop();
    sockets.forEach((s) => s.close());

    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(integrityCheck(file)).toBe('ok');
    const target = await emptyDatabase();
    const restore = await parleyOn(target.url, ['restore', file]);
    expect(restore.stdout).toContain('every count and checksum matches');
    expect(restore.code).toBe(0);

    const restored = await open(target.url);
    const rows = await restored
      .selectFrom('messages')
      .select(['author_id', 'client_id', 'body'])
      .execute();
    for (const [v, visitor] of visitors.entries()) {
      const mine = rows.filter((r) => r.author_id === visitor.visitorId).map((r) => r.client_id);
      expect(new Set(mine).size).toBe(mine.length); // each once
      for (const clientId of ackedBefore[v]!) expect(mine).toContain(clientId);
    }
    expect(rows.every((r) => r.body.endsWith('😀'))).toBe(true);
    // Messages were still flowing while the backup ran, and it did not wait for them to stop.
    expect(ackedDuring).toBeGreaterThan(ackedBefore.reduce((n, set) => n + set.size, 0));
    if (target.engine === 'sqlite') {
      expect(integrityCheck(target.url.slice('sqlite:'.length))).toBe('ok');
    }
  }, 60_000);

  it('refuses to restore into a database that holds data, unless told to replace it', async () => {
    server = await startServer();
    const file = path.join(server.database.dataDir, 'backup.sqlite');
    expect((await parleyOn(server.database.url, ['backup', file])).code).toBe(0);
    expect((await parleyOn(server.database.url, ['backup', file])).stderr).toContain(
      '[file_exists]',
    );
    const target = await emptyDatabase();
    const other = await startServer(target); // a server of its own: another organization
    await other.close();
    const db = await open(target.url);
    const theirs = await db.selectFrom('organizations').select('id').execute();

    const refused = await parleyOn(target.url, ['restore', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[database_not_empty]');
    expect(await db.selectFrom('organizations').select('id').execute()).toEqual(theirs);

    const replaced = await parleyOn(target.url, ['restore', file, '--force']);
    expect(replaced.code).toBe(0);
    const ours = await server.parley.db.selectFrom('organizations').select('id').execute();
    expect(await db.selectFrom('organizations').select('id').execute()).toEqual(ours);
  }, 60_000);

  it('refuses a truncated file and a file that is not a Parley backup, before touching anything', async () => {
    server = await startServer();
    const dir = server.database.dataDir;
    const file = path.join(dir, 'backup.sqlite');
    expect((await parleyOn(server.database.url, ['backup', file])).code).toBe(0);
    const whole = fs.readFileSync(file);
    const candidates = {
      truncated: whole.subarray(0, Math.floor(whole.length / 2)),
      'cut at the end': whole.subarray(0, whole.length - 1024),
      text: Buffer.from('these are my notes, not a backup\n'.repeat(100)),
      'a SQLite file of another kind': fs.readFileSync(integrityFreeCopy(dir)),
    };
    const target = await emptyDatabase();

    for (const [name, bytes] of Object.entries(candidates)) {
      const bad = path.join(dir, `${name.replace(/\W+/g, '-')}.sqlite`);
      fs.writeFileSync(bad, bytes);
      const run = await parleyOn(target.url, ['restore', bad]);
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toContain('[backup_invalid]');
    }
    const db = await open(target.url);
    expect(await listTables(db)).toEqual([]);
  }, 60_000);
});

/** A SQLite database with a table but no Parley manifest. */
function integrityFreeCopy(dir: string): string {
  const file = path.join(dir, 'other-app.sqlite');
  const db = new SQLite(file);
  db.exec('create table notes (id integer primary key, text text)');
  db.prepare('insert into notes (text) values (?)').run('hello');
  db.close();
  return file;
}
