/**
 * Copying Parley's tables from one database to another, in batches. Restore (from a backup file)
 * and migrate-data (between engines) copy resumably: each batch commits together with a note of
 * how far the copy got, and a run that finds the notes goes on after them.
 */
import type { Kysely } from 'kysely';
import { listTables, tableOptions } from '../../server/db/dialect';
import { PARLEY_TABLES } from '../../server/db/tables';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const PROGRESS = 'parley_transfer_progress';

export interface BatchCopied {
  table: string;
  /** Rows of this table copied so far, this run and any before it. */
  copied: number;
  done: boolean;
}

export interface CopyOptions {
  /** Tables to copy (those present in the source); copied parents first. */
  tables: readonly string[];
  batchSize: number;
  /** Keep notes in the target so an interrupted copy can go on; without, the copy starts over. */
  resumable: boolean;
  /** Called after each committed batch. */
  onBatch?: (batch: BatchCopied) => void | Promise<void>;
}

/** Parley's tables that hold rows in `db`, with one row's worth of proof each. */
export async function tablesWithRows(db: AnyDb): Promise<string[]> {
  const present = await listTables(db);
  const held: string[] = [];
  for (const { name } of PARLEY_TABLES) {
    if (!present.includes(name)) continue;
    const row = await db
      .selectFrom(name)
      .select((eb) => eb.lit(1).as('one'))
      .limit(1)
      .execute();
    if (row.length > 0) held.push(name);
  }
  return held;
}

/** Parley's tables present in `db`, parents first. */
export async function parleyTables(db: AnyDb): Promise<string[]> {
  const present = await listTables(db);
  return PARLEY_TABLES.map((t) => t.name as string).filter((name) => present.includes(name));
}

/** Whether an earlier copy into `db` stopped before it finished. */
export async function copyInProgress(db: AnyDb): Promise<boolean> {
  return (await listTables(db)).includes(PROGRESS);
}

/** Forgets the notes of a finished copy. */
export async function finishCopy(db: AnyDb): Promise<void> {
  await db.schema.dropTable(PROGRESS).ifExists().execute();
}

interface Note {
  table_name: string;
  last_key: string | null;
  copied: number;
  done: number;
}

export async function copyTables(
  source: AnyDb,
  target: AnyDb,
  options: CopyOptions,
): Promise<void> {
  if (options.resumable) {
    await target.schema
      .createTable(PROGRESS)
      .ifNotExists()
      .addColumn('table_name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('last_key', 'varchar(255)')
      .addColumn('copied', 'integer', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull())
      .$call(await tableOptions(target))
      .execute();
  }
  for (const { name, key } of PARLEY_TABLES) {
    if (!options.tables.includes(name)) continue;
    const note = options.resumable
      ? ((await target
          .selectFrom(PROGRESS)
          .selectAll()
          .where('table_name', '=', name)
          .executeTakeFirst()) as Note | undefined)
      : undefined;
    if (note && Number(note.done) === 1) continue;
    let after = note?.last_key ?? undefined;
    let copied = Number(note?.copied ?? 0);
    for (;;) {
      // Keyset paging in the source's own key order: an offset would re-read every page before.
      const rows: Record<string, unknown>[] = await source
        .selectFrom(name)
        .selectAll()
        .$if(after !== undefined, (q) => q.where(key, '>', after))
        .orderBy(key)
        .limit(options.batchSize)
        .execute();
      const done = rows.length < options.batchSize;
      if (rows.length > 0) after = String(rows.at(-1)![key]);
      copied += rows.length;
      await target.transaction().execute(async (trx) => {
        if (rows.length > 0) await trx.insertInto(name).values(rows).execute();
        if (!options.resumable) return;
        await trx.deleteFrom(PROGRESS).where('table_name', '=', name).execute();
        await trx
          .insertInto(PROGRESS)
          .values({ table_name: name, last_key: after ?? null, copied, done: done ? 1 : 0 })
          .execute();
      });
      await options.onBatch?.({ table: name, copied, done });
      if (done) break;
    }
  }
}
