import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { PARLEY_TABLES } from '../../server/db/tables';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export interface TableSummary {
  rows: number;
  /** 32 hex digits; equal for equal rows, whatever the engine and the order rows come in. */
  checksum: string;
}

const PAGE = 1000;
const MOD = 1n << 128n;

/**
 * A row as text every engine agrees on: columns by name, numbers and strings alike as strings
 * (PostgreSQL returns a bigint as a string, MySQL and SQLite as a number), null as null.
 */
function canonical(row: Record<string, unknown>): string {
  const columns = Object.keys(row).sort();
  return JSON.stringify(
    columns.map((c) => {
      const value = row[c];
      if (value === null || value === undefined) return [c, null];
      if (Buffer.isBuffer(value)) return [c, value.toString('hex')];
      return [c, String(value)];
    }),
  );
}

/**
 * Counts a table's rows and sums a hash of each (mod 2^128). A sum does not depend on the order
 * the rows are read in — and PostgreSQL's collation may order ids unlike SQLite and MySQL.
 */
export async function summarizeTable(db: AnyDb, table: string, key: string): Promise<TableSummary> {
  let rows = 0;
  let sum = 0n;
  let after: unknown;
  for (;;) {
    const page: Record<string, unknown>[] = await db
      .selectFrom(table)
      .selectAll()
      .$if(after !== undefined, (q) => q.where(key, '>', after))
      .orderBy(key)
      .limit(PAGE)
      .execute();
    for (const row of page) {
      const digest = createHash('sha256').update(canonical(row)).digest();
      sum = (sum + BigInt(`0x${digest.subarray(0, 16).toString('hex')}`)) % MOD;
    }
    rows += page.length;
    if (page.length < PAGE) break;
    after = page.at(-1)![key];
  }
  return { rows, checksum: sum.toString(16).padStart(32, '0') };
}

/** `summarizeTable` for each of Parley's tables that `present` names. */
export async function summarizeTables(
  db: AnyDb,
  present: readonly string[],
): Promise<Map<string, TableSummary>> {
  const summaries = new Map<string, TableSummary>();
  for (const { name, key } of PARLEY_TABLES) {
    if (present.includes(name)) summaries.set(name, await summarizeTable(db, name, key));
  }
  return summaries;
}
