import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../../../test/helpers/database';
import { createDb, type Db } from './database';
import { migrateToLatest } from './migrate';
import { inTransaction } from './transaction';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await createDb(database.url, { poolSize: 4 });
  await migrateToLatest(db);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

async function organization(): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('organizations')
    .values({ id, name: 'org', created_at: new Date().toISOString() })
    .execute();
  return id;
}

const rename = (trx: Db, id: string, name: string) =>
  trx.updateTable('organizations').set({ name }).where('id', '=', id).execute();

const duplicate = () => Object.assign(new Error('duplicate key'), { code: '23505' });

describe(`inTransaction (${TEST_ENGINE})`, () => {
  it('tries once more after a unique violation when asked, and only once', async () => {
    let calls = 0;
    const result = await inTransaction(
      db,
      async () => {
        if (++calls === 1) throw duplicate();
        return 'second try';
      },
      { retryOnDuplicate: true },
    );
    expect([result, calls]).toEqual(['second try', 2]);

    calls = 0;
    const always = inTransaction(
      db,
      async () => {
        calls++;
        throw duplicate();
      },
      { retryOnDuplicate: true },
    );
    await expect(always).rejects.toThrow('duplicate key');
    expect(calls).toBe(2);
    await expect(inTransaction(db, async () => Promise.reject(duplicate()))).rejects.toThrow();
  });

  it('rolls back all of a failed attempt', async () => {
    const id = await organization();
    const failing = inTransaction(db, async (trx) => {
      await rename(trx, id, 'half-written');
      throw new Error('stop');
    });
    await expect(failing).rejects.toThrow('stop');
    const row = await db
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('org');
  });

  // SQLite has one connection and no row locks: its transactions cannot deadlock.
  it.runIf(TEST_ENGINE !== 'sqlite')(
    'runs a transaction the engine aborted for a deadlock again, so both finish',
    async () => {
      const [a, b] = [await organization(), await organization()];
      // Each transaction locks its first row, waits until the other has too, then wants the
      // other's row: a deadlock the engine breaks by aborting one of them.
      let arrived = 0;
      let bothLocked!: () => void;
      const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
      let attempts = 0;
      const crosswise = (first: string, second: string, name: string) =>
        inTransaction(db, async (trx) => {
          const attempt = ++attempts;
          await rename(trx, first, name);
          if (attempt <= 2) {
            if (++arrived === 2) bothLocked();
            await barrier;
          }
          await rename(trx, second, name);
        });

      await Promise.all([crosswise(a, b, 'one'), crosswise(b, a, 'two')]);

      expect(attempts).toBe(3);
      const names = await db
        .selectFrom('organizations')
        .select('name')
        .where('id', 'in', [a, b])
        .execute();
      expect(new Set(names.map((r) => r.name)).size).toBe(1); // one of them ran last, whole
    },
  );
});
