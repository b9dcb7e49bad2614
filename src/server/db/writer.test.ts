import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database';
import { createDb, type Db } from './database';
import { migrateToLatest } from './migrate';
import { writerFor, type Writer } from './writer';

let database: TestDatabase;
let db: Db;
let writer: Writer;

beforeEach(async () => {
  database = await createTestDatabase();
  db = await createDb(database.url);
  await migrateToLatest(db);
  writer = writerFor(db);
});

afterEach(async () => {
  await db.destroy();
  await database.drop();
});

const org = (name: string) => ({ id: randomUUID(), name, created_at: new Date().toISOString() });

async function names(): Promise<string[]> {
  const rows = await db.selectFrom('organizations').select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}

describe('the writer', () => {
  it('commits each write before it resolves, and a failing one alone is rolled back', async () => {
    const taken = org('taken');
    const results = await Promise.allSettled([
      writer.write((trx) => trx.insertInto('organizations').values(org('a')).execute()),
      writer.write(async (trx) => {
        await trx.insertInto('organizations').values(taken).execute();
        await trx.insertInto('organizations').values(taken).execute(); // duplicate id: fails
      }),
      writer.write((trx) => trx.insertInto('organizations').values(org('b')).execute()),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await names()).toEqual(['a', 'b']);
  });

  it('shares one transaction among the writes waiting together on SQLite, not elsewhere', async () => {
    const transactions = new Set<Db>();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        writer.write(async (trx) => {
          transactions.add(trx);
          await trx
            .insertInto('organizations')
            .values(org(`o${i}`))
            .execute();
        }),
      ),
    );
    expect((await names()).length).toBe(20);
    // SQLite shares one commit (one fsync) among them; the other engines commit each on its own.
    expect(transactions.size).toBe(database.engine === 'sqlite' ? 1 : 20);
  });
});
