import createDebug from 'debug';
import type { TableSpec } from '../core/table.js';
import { closeFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { countRows } from '../firebird/metadata.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { countTargetRows } from '../mysql/reader.js';
import { deleteLimit, refuseByCounts, type DeleteGuard, type GuardedTable } from '../stages/delete-guard.js';
import type { SyncOptions } from './options.js';

const debug = createDebug('fbsync:sync');

/**
 * The guard on deletes (`maxDelete`, lib/stages/delete-guard.ts) for a run that deletes and
 * writes, started beside the run: counts both tables (the source on an attachment of its own,
 * when there is one) and refuses when the counts alone show that the limit would be passed
 * (an empty source, a wrong database, an emptied table). The guard stage holds the first
 * change set until then, so such a refusal still comes before anything is written.
 */
export function startGuard(db: FirebirdDatabase, target: MysqlTarget, table: TableSpec, options: SyncOptions, attachSide: (() => Promise<FirebirdDatabase>) | undefined): Promise<DeleteGuard | undefined> | undefined {
  if (!options.delete || options.dryRun) return undefined;
  const verdict = (async () => {
    const targetRows = await countTargetRows(target, table, { retry: options.retry, onRetry: options.onRetry });
    const guarded: GuardedTable = { source: table.source, target: `${target.server.database}.${table.target}`, targetRows };
    const limit = deleteLimit(options.maxDelete, targetRows);
    // An empty target has nothing to delete; a limit as large as the target cannot be passed.
    if (targetRows === 0 || limit.rows >= targetRows) return undefined;
    // Only whether the source holds target − limit rows matters: the count stops there, and is
    // exact whenever it refuses (the default limit, half the target, halves the scan). A run of
    // listed `keys` deletes only those, whatever the counts say; an empty source (the wrong
    // database, an emptied table) is still refused before anything is written.
    const atLeast = options.keys ? 1 : targetRows - limit.rows;
    const sourceRows = await countSourceRows(db, attachSide, table.source, atLeast);
    const refused = options.keys && sourceRows > 0 ? undefined : refuseByCounts(guarded, sourceRows, limit);
    if (refused) throw refused;
    debug('%s: at most %s deleted', table.source, limit.text);
    return { table: guarded, limit };
  })();
  // Seen by the guard stage; a run that fails before its first change set never asks.
  verdict.catch(() => undefined);
  return verdict;
}

/** The source's rows, up to `atMost`, counted on an attachment of its own so as not to wait behind the run's reads. */
async function countSourceRows(db: FirebirdDatabase, attachSide: (() => Promise<FirebirdDatabase>) | undefined, table: string, atMost: number): Promise<number> {
  if (!attachSide) return countRows(db, table, undefined, atMost);
  const side = await attachSide();
  try {
    return await countRows(side, table, undefined, atMost);
  } finally {
    await closeFirebird(side);
  }
}
