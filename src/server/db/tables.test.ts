import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database';
import { createDb, type Db } from './database';
import { listTables } from './dialect';
import { migrateToLatest } from './migrate';
import { PARLEY_TABLES } from './tables';

let database: TestDatabase | undefined;
let db: Db | undefined;

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

describe('PARLEY_TABLES', () => {
  // The order is proven by migrate-data's tests: they copy real rows with foreign keys enforced.
  it('names every table the migrations make, each with its primary key', async () => {
    database = await createTestDatabase();
    db = await createDb(database.url);
    await migrateToLatest(db);
    const made = (await listTables(db)).filter((t) => !t.startsWith('kysely_'));

    expect(PARLEY_TABLES.map((t) => t.name).sort()).toEqual(made);
    const tables = await db.introspection.getTables();
    for (const { name, key } of PARLEY_TABLES) {
      const column = tables.find((t) => t.name === name)?.columns.find((c) => c.name === key);
      expect(column, `${name}.${key}`).toBeDefined();
    }
  });
});
