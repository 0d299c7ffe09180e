import createDebug from 'debug';
import { FbsyncError } from './errors.js';
import { closeFirebird, openFirebird, type FirebirdDatabase } from './firebird/connect.js';
import { openMysql, type MysqlTarget } from './mysql/connect.js';
import { DEFAULT_PARALLEL } from './mysql/sink.js';
import { summarize, type SyncSummary } from './report.js';
import { planSync, syncTable, type SyncOptions, type SyncReport } from './sync.js';

const debug = createDebug('fbsync:sync');

export interface SyncTablesOptions extends Omit<SyncOptions, 'from' | 'to' | 'table' | 'targetTable' | 'excludeColumns'> {
  from: string;
  to: string;
  tables: readonly string[];
  /** `TABLE.COLUMN` entries; a bare `COLUMN` applies to every table. */
  excludeColumns?: readonly string[];
}

/**
 * Syncs several tables over one Firebird attachment and one MySQL pool. Every table is
 * planned (both schemas read and checked) before the first row moves, so a typo in the last
 * table name does not leave the first tables synced and the rest not.
 */
export async function syncTables(options: SyncTablesOptions): Promise<SyncSummary> {
  if (options.tables.length === 0) throw new FbsyncError('OPTION', 'no tables named', { hint: 'pass --tables A,B,…' });
  const started = Date.now();
  let db: FirebirdDatabase | undefined;
  let target: MysqlTarget | undefined;
  try {
    db = await openFirebird(options.from);
    target = await openMysql(options.to, { connections: (options.parallel ?? DEFAULT_PARALLEL) + 1 });
    const excludes = (table: string) => excludedColumns(options.excludeColumns ?? [], table);
    for (const table of options.tables) await planSync(db, target, { table, excludeColumns: excludes(table) });
    const reports: SyncReport[] = [];
    for (const table of options.tables) {
      debug('syncing %s', table);
      reports.push(await syncTable({ ...options, from: db, to: target, table, excludeColumns: excludes(table) }));
    }
    return summarize(reports, Date.now() - started);
  } finally {
    await target?.end();
    await closeFirebird(db);
  }
}

function excludedColumns(entries: readonly string[], table: string): string[] {
  return entries
    .map((e) => {
      const dot = e.lastIndexOf('.');
      if (dot < 0) return e;
      return e.slice(0, dot).toUpperCase() === table.toUpperCase() ? e.slice(dot + 1) : undefined;
    })
    .filter((c): c is string => Boolean(c));
}
