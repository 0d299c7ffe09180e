import createDebug from 'debug';
import { FbsyncError, describeCause } from '../core/errors.js';
import type { TableSpec } from '../core/table.js';
import type { FirebirdDatabase } from '../firebird/connect.js';
import { describeFirebirdTable, type FirebirdTable } from '../firebird/metadata.js';
import { CheckpointStore } from '../mysql/checkpoint-store.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { describeMysqlTable, resolveMysqlTable } from '../mysql/metadata.js';
import { TableLock } from '../mysql/table-lock.js';
import { SOURCE_COLUMNS_TABLE, loadSourceColumns, type RememberedColumn } from '../state/source-columns.js';
import { targetTableName } from './names.js';
import type { SyncOptions } from './options.js';
import { planTable } from './plan.js';
import { alterStatements, movesRefusal, sourceMoves } from './source-moves.js';

const debug = createDebug('fbsync:sync');

/** One table's run as planned, under its lock. */
export interface PlannedRun {
  table: TableSpec;
  /** The target table's lock (none in a dry run); the caller releases it. */
  lock: TableLock | undefined;
  /** The source columns the last completed run copied (null: none remembered), and this run's. */
  remembered: RememberedColumn[] | null;
  now: RememberedColumn[];
  /** How the source's columns changed since the last completed run, and what was altered for it (a dry run alters nothing). */
  moved?: { changes: string[]; altered: string[] };
  /** MySQL columns a dry run would add: they read as NULL. */
  absent: Set<string>;
}

/**
 * Plans one table's run: reads the Firebird table (`describe`, retried by the caller on a lost
 * connection), finds its MySQL table and takes its lock (not in a dry run), and only then, under
 * the lock, reads the MySQL table and what the last completed run copied, and compares them (see
 * source-moves.ts). A column Firebird added or widened since is added or changed in MySQL with
 * `createTables` (under the lock, so no other run copies into the table meanwhile), and refused
 * with the statement otherwise; a column Firebird dropped is refused.
 */
export async function planRun(
  db: () => FirebirdDatabase,
  target: MysqlTarget,
  options: SyncOptions,
  run: { describe: (work: () => Promise<FirebirdTable>) => Promise<FirebirdTable>; startedAt: Date },
): Promise<PlannedRun> {
  const source = await run.describe(() => describeFirebirdTable(db(), options.table, { noneCharset: options.noneCharset }));
  const name = await resolveMysqlTable(target, options.targetTable ?? targetTableName(options.names, source.name));
  // One run per target table: locked before a row, a state or the table's shape is read. A dry
  // run writes nothing, so it neither needs the lock nor waits for it.
  const lock = options.dryRun ? undefined : await TableLock.take(target, name, { waitSeconds: options.wait, startedAt: run.startedAt, signal: options.signal });
  try {
    const remembered = await loadSourceColumns(new CheckpointStore(target, SOURCE_COLUMNS_TABLE, { retry: options.retry, onRetry: options.onRetry }), name);
    let dest = await describeMysqlTable(target, name);
    const planOptions = { excludeColumns: options.excludeColumns, names: options.names, targetTable: options.targetTable, columns: options.columns, softDelete: options.softDelete, roundToTarget: options.roundToTarget };
    const moves = sourceMoves(source, dest, remembered, planOptions);
    const refusal = movesRefusal(source.name, dest, moves, { createTables: options.createTables, remembered: remembered !== null });
    if (refusal) throw refusal;
    const altered = alterStatements(moves);
    if (altered.length > 0 && !options.dryRun) {
      for (const sql of altered) await alter(target, source.name, dest.name, sql);
      dest = await describeMysqlTable(target, name);
    }
    const pending = options.dryRun ? [...moves.add, ...moves.modify] : [];
    const table = planTable(source, dest, { ...planOptions, altered: pending.map((a) => a.source) });
    const changed = moves.changes.length > 0 || altered.length > 0;
    return {
      table,
      lock,
      remembered,
      now: moves.now,
      ...(changed ? { moved: { changes: moves.changes, altered } } : {}),
      absent: new Set(moves.add.filter(() => options.dryRun).map((a) => a.target)),
    };
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

async function alter(target: MysqlTarget, source: string, table: string, sql: string): Promise<void> {
  debug('%s: %s', table, sql);
  try {
    await target.pool.query(sql);
  } catch (err) {
    throw new FbsyncError('TARGET_ALTER', `changing MySQL table ${target.server.database}.${table} for ${source} failed: ${describeCause(err)} (${sql})`, {
      hint: 'check the MySQL user may ALTER tables in that database, or run the statement yourself',
      cause: err,
    });
  }
}
