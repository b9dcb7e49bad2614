import {
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrations } from './index';

/**
 * The SQL the migrations would send to a MySQL 8 server, without one: this machine's CI has
 * MariaDB, which (unlike MySQL 8) also enforces a REFERENCES inside a column definition, so only
 * the text shows that MySQL 8 gets foreign keys it enforces.
 */
async function mysqlStatements(): Promise<string[]> {
  const statements: string[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      statements.push(query.sql);
      const rows = /information_schema\.collations/.test(query.sql)
        ? [{ name: 'utf8mb4_0900_bin' }]
        : [];
      return { rows: rows as R[] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('not used');
    },
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {},
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new MysqlAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new MysqlIntrospector(k),
      createQueryCompiler: () => new MysqlQueryCompiler(),
    },
  });
  for (const name of Object.keys(migrations).sort()) await migrations[name]!.up(db);
  return statements.filter((s) => /^create table/i.test(s));
}

describe('migrations on MySQL', () => {
  it('declare every foreign key as a table constraint, which MySQL 8 enforces', async () => {
    const tables = await mysqlStatements();
    const references = tables.flatMap((s) => s.match(/\breferences\b/gi) ?? []);
    const constraints = tables.flatMap(
      (s) => s.match(/\bforeign key \(`\w+`\) references `\w+` \(`\w+`\)/gi) ?? [],
    );

    expect(references.length).toBeGreaterThan(0);
    expect(constraints).toHaveLength(references.length);
  });

  it('give every table InnoDB, utf8mb4 and a byte-exact collation of its own', async () => {
    for (const statement of await mysqlStatements()) {
      expect(statement).toMatch(
        /\) engine = InnoDB default charset = utf8mb4 collate = utf8mb4_0900_bin$/,
      );
    }
  });
});
