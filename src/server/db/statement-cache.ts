import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Wraps a better-sqlite3 database so that Kysely reuses prepared statements instead of preparing
 * every query's SQL again (Kysely's SQLite driver prepares on each call). Query shapes are few, so
 * a small LRU holds them all; SQLite re-prepares a cached statement by itself after a schema change.
 * Safe because Kysely runs one query at a time on its single SQLite connection.
 */
export function withStatementCache(database: SqliteDatabase, capacity = 256): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql); // re-insert below: Map order is our recency order
      } else {
        statement = database.prepare(sql);
        if (statements.size >= capacity)
          statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
