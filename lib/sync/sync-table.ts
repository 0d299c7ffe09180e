import createDebug from 'debug';
import { abandonFirebird, closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { describeFirebirdTable } from '../firebird/metadata.js';
import { openMysql, type MysqlTarget } from '../mysql/connect.js';
import { describeMysqlTable } from '../mysql/metadata.js';
import { DEFAULT_MAX_ERRORS, DEFAULT_PARALLEL } from '../mysql/sink.js';
import { targetTableName } from './names.js';
import { planTable, type PlanOptions } from './plan.js';
import { zeroCounts } from '../core/change-set.js';
import { FbsyncError } from '../core/errors.js';
import { RejectFile } from '../state/rejects.js';
import { retryOptions } from '../util/retry.js';
import { againIfLost } from '../firebird/retry.js';
import type { TableSpec } from '../core/table.js';
import { DEFAULT_SINCE_OVERLAP_SECONDS } from '../state/watermark.js';
import { runPipeline } from './pipeline.js';
import type { SyncOptions, SyncReport } from './options.js';

const debug = createDebug('fbsync:sync');

/**
 * Syncs one Firebird table into its MySQL counterpart: connects (unless given connections),
 * plans the copy from both schemas, then runs the pipeline (lib/sync/pipeline.ts) and reports.
 */
export async function syncTable(options: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  checkOptions(options);
  let db: FirebirdDatabase | undefined;
  let target: MysqlTarget | undefined;
  const rejectFile = typeof options.rejectFile === 'string' ? new RejectFile(options.rejectFile) : options.rejectFile;
  // Ends the pauses of reads and writes waiting to retry, so that none outlives the pool.
  const retries = new AbortController();
  try {
    const uri = options.from;
    db = typeof uri === 'string' ? await openFirebird(uri) : uri;
    const again = typeof uri === 'string' ? () => openFirebird(uri) : options.reconnect;
    // `db` follows every new attachment, for the planning and for the closing below.
    const reconnect = again && (async () => (db = await again()));
    const attachSide = typeof uri === 'string' ? () => openFirebird(uri) : options.attachSide;
    // One connection reads the target for the diff while `parallel` others write.
    target = typeof options.to === 'string' ? await openMysql(options.to, { connections: parallel + 1 }) : options.to;
    // Planning reads Firebird's catalog: a connection lost meanwhile is replaced, like a page read's.
    const plan = () => planSync(db!, target!, options);
    const reattach = async () => {
      abandonFirebird(db!);
      await reconnect!();
    };
    const table = reconnect ? await againIfLost(plan, reattach, options.table, options) : await plan();
    const counts = zeroCounts();
    const { resumedAfter, interrupted, rejected, since, versions } = await runPipeline(db, target, table, options, counts, { rejectFile, signal: retries.signal, reconnect, attachSide });
    const elapsedMs = Date.now() - started;
    const report: SyncReport = {
      table: table.source,
      target: table.target,
      ...counts,
      rejected,
      dryRun: Boolean(options.dryRun),
      resumedAfter,
      interrupted,
      ...(since ? { since } : {}),
      ...(versions ? { versions } : {}),
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? Math.round((counts.read * 1000) / elapsedMs) : counts.read,
    };
    debug('%o', report);
    return report;
  } finally {
    retries.abort();
    if (typeof options.rejectFile === 'string') await rejectFile?.close();
    if (typeof options.to === 'string') await target?.end();
    if (typeof options.from === 'string') await closeFirebird(db);
  }
}

/** Refuses bad numbers before connecting to anything. */
function checkOptions(options: SyncOptions): void {
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  if (!Number.isInteger(maxErrors) || maxErrors < 0) {
    throw new FbsyncError('OPTION', `\`maxErrors\` must be an integer ≥ 0, not ${maxErrors}`, { options: ['maxErrors'], value: maxErrors });
  }
  const overlap = options.sinceOverlapSeconds ?? DEFAULT_SINCE_OVERLAP_SECONDS;
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new FbsyncError('OPTION', `\`sinceOverlapSeconds\` must be a whole number of seconds ≥ 0, not ${overlap}`, { options: ['sinceOverlapSeconds'], value: overlap });
  }
  if (options.sinceColumn !== undefined && options.rowVersions) {
    throw new FbsyncError('OPTION', '`sinceColumn` and `rowVersions` are two ways of finding changed rows; use one', {
      hint: '`rowVersions` also sees deleted rows; `sinceColumn` needs no notes in the target',
      options: ['sinceColumn', 'rowVersions'],
    });
  }
  if (options.sinceColumn !== undefined && options.delete) {
    throw new FbsyncError('OPTION', '`sinceColumn` reads only rows changed since the last run, so it cannot see deleted rows and does not go with `delete`', {
      hint: 'run without `sinceColumn` when rows must be deleted (e.g. a weekly full sync with `delete`)',
      options: ['sinceColumn', 'delete'],
    });
  }
  try {
    retryOptions(options.retry);
  } catch (err) {
    throw new FbsyncError('OPTION', (err as Error).message, { options: ['retry'] });
  }
}

/** Reads both schemas and decides how every column is copied; throws before any row moves. */
export async function planSync(
  db: FirebirdDatabase,
  target: MysqlTarget,
  options: Pick<SyncOptions, 'table' | 'targetTable' | 'excludeColumns' | 'names' | 'noneCharset'> & Pick<PlanOptions, 'strict'>,
): Promise<TableSpec> {
  const source = await describeFirebirdTable(db, options.table, { noneCharset: options.noneCharset });
  const dest = await describeMysqlTable(target, options.targetTable ?? targetTableName(options.names, source.name));
  return planTable(source, dest, { excludeColumns: options.excludeColumns, names: options.names, targetTable: options.targetTable, strict: options.strict });
}
