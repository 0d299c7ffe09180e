/**
 * Random change sets applied to the SOURCE (Firebird) before each "1% changed" re-sync:
 * 1% of the rows updated, 0.1% deleted and 0.1% inserted, each at random keys. Deletes and
 * inserts are the same size, so the fixture keeps its row count and stays reusable.
 *
 * Inserting "at random" needs free keys among the existing ones, but a fresh fixture's keys are
 * 1..N without a gap. `ensureInsertRoom` makes the gaps once, by moving a few random rows past
 * the end; from then on every change set frees as many keys as it fills.
 */
import type { FirebirdDatabase } from '../lib/firebird/connect.js';
import { closeFirebird, openFirebird } from '../lib/firebird/connect.js';
import { estoqueInsertBlock } from '../scripts/estoque.js';
import { ESTOQUE_TABLE } from './estoque.js';

export interface ChangeCounts {
  updated: number;
  deleted: number;
  inserted: number;
}

export function changeSizes(rows: number): ChangeCounts {
  const tenth = Math.max(1, Math.round(rows * 0.001));
  return { updated: Math.max(1, Math.round(rows * 0.01)), deleted: tenth, inserted: tenth };
}

/** Firebird allows 1,500 items in an IN list; stay well below. */
const IN_LIST = 1000;
const ID = '"ID_ESTOQUE"';
const TABLE = `"${ESTOQUE_TABLE}"`;

/** Gives the key space at least `free` unused keys below its maximum; returns the rows moved. */
export async function ensureInsertRoom(uri: string, free: number): Promise<number> {
  return withFirebird(uri, async (db) => {
    const [stats] = await db.queryAsync<{ N: string | number; TOP: number | null }>(`SELECT COUNT(*) AS N, MAX(${ID}) AS TOP FROM ${TABLE}`);
    const count = Number(stats!.N);
    const top = stats!.TOP ?? 0;
    const gaps = top - count;
    if (gaps >= free) return 0;
    const move = free - gaps;
    const victims = pick(await existingIds(db), move);
    const tx = await db.transactionAsync();
    try {
      await deleteIds(tx, victims);
      await tx.queryAsync(estoqueInsertBlock(top + 1, top + move));
      await tx.commitAsync();
    } catch (err) {
      await tx.rollbackAsync().catch(() => undefined);
      throw err;
    }
    return move;
  });
}

/**
 * Applies a fresh random change set in one transaction and returns what it did. Updated rows
 * change a number and the timestamp by one millisecond, which a re-sync must notice; with
 * `stamp`, updated and inserted rows are stamped with the current time instead, as an ERP
 * does, for the --since-column row.
 */
export async function applyRandomChanges(uri: string, sizes: ChangeCounts, options: { stamp?: boolean } = {}): Promise<ChangeCounts> {
  return withFirebird(uri, async (db) => {
    const ids = await existingIds(db);
    const chosen = pick(ids, sizes.updated + sizes.deleted);
    const updates = chosen.slice(0, sizes.updated);
    const deletes = chosen.slice(sizes.updated);
    const free = freeIds(ids);
    if (free.length < sizes.inserted) {
      throw new Error(`only ${free.length} free keys for ${sizes.inserted} random inserts (run ensureInsertRoom first)`);
    }
    const inserts = pick(free, sizes.inserted);

    const tx = await db.transactionAsync();
    try {
      for (const part of chunks(updates, IN_LIST)) {
        await tx.queryAsync(
          `UPDATE ${TABLE} SET "QUANTIDADE" = "QUANTIDADE" + 1, "ATUALIZADO_EM" = ${options.stamp ? 'CURRENT_TIMESTAMP' : 'DATEADD(1 MILLISECOND TO "ATUALIZADO_EM")'}
            WHERE ${ID} IN (${part.join(', ')})`,
        );
      }
      await deleteIds(tx, deletes);
      // One small EXECUTE BLOCK per new key: the fixture's own row formula, at a random gap.
      for (const id of inserts) await tx.queryAsync(estoqueInsertBlock(id, id));
      // As an application stamping its rows would: new rows carry the time they were made.
      if (options.stamp) {
        for (const part of chunks(inserts, IN_LIST)) await tx.queryAsync(`UPDATE ${TABLE} SET "ATUALIZADO_EM" = CURRENT_TIMESTAMP WHERE ${ID} IN (${part.join(', ')})`);
      }
      await tx.commitAsync();
    } catch (err) {
      await tx.rollbackAsync().catch(() => undefined);
      throw err;
    }
    return { updated: updates.length, deleted: deletes.length, inserted: inserts.length };
  });
}

/** The latest ATUALIZADO_EM in the source, as Firebird prints it (the form fbsync keeps as a watermark). */
export async function latestStamp(uri: string): Promise<string> {
  return withFirebird(uri, async (db) => {
    const [row] = await db.queryAsync<{ W: string }>(`SELECT CAST(MAX("ATUALIZADO_EM") AS VARCHAR(24)) AS W FROM ${TABLE}`);
    return row!.W;
  });
}

type Transaction = Awaited<ReturnType<FirebirdDatabase['transactionAsync']>>;

async function deleteIds(tx: Transaction, ids: readonly number[]): Promise<void> {
  for (const part of chunks(ids, IN_LIST)) await tx.queryAsync(`DELETE FROM ${TABLE} WHERE ${ID} IN (${part.join(', ')})`);
}

/** Every key of the table, ascending, read in keyset pages (4 bytes a key). */
async function existingIds(db: FirebirdDatabase): Promise<Int32Array> {
  const page = 100_000;
  let ids = new Int32Array(1 << 20);
  let n = 0;
  let after = 0;
  for (;;) {
    const rows = await db.executeAsync<[number]>(`SELECT FIRST ${page} ${ID} FROM ${TABLE} WHERE ${ID} > ? ORDER BY ${ID}`, [after]);
    if (n + rows.length > ids.length) {
      const bigger = new Int32Array(Math.max(ids.length * 2, n + rows.length));
      bigger.set(ids.subarray(0, n));
      ids = bigger;
    }
    for (const [id] of rows) ids[n++] = id;
    if (rows.length < page) break;
    after = rows[rows.length - 1]![0];
  }
  return ids.subarray(0, n);
}

/** Keys between 1 and the largest key that no row has. */
function freeIds(sorted: Int32Array): number[] {
  const free: number[] = [];
  let expected = 1;
  for (const id of sorted) {
    for (; expected < id; expected++) free.push(expected);
    expected = id + 1;
  }
  return free;
}

/** `count` distinct elements chosen uniformly at random (partial Fisher–Yates on a copy). */
function pick(from: ArrayLike<number>, count: number): number[] {
  const pool = Array.from(from);
  if (count > pool.length) throw new Error(`cannot pick ${count} of ${pool.length} keys`);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function withFirebird<T>(uri: string, work: (db: FirebirdDatabase) => Promise<T>): Promise<T> {
  const db = await openFirebird(uri);
  try {
    return await work(db);
  } finally {
    await closeFirebird(db);
  }
}
