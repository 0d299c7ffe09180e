import createDebug from 'debug';
import { chooseTables } from '../firebird/catalog.js';
import { abandonFirebird, closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { driverWarnings } from '../firebird/driver-patch.js';
import { againIfLost } from '../firebird/retry.js';
import { checkReadable, countRows, describeFirebirdTable, type FirebirdTable } from '../firebird/metadata.js';
import { openMysql, type MysqlTarget } from '../mysql/connect.js';
import { DEFAULT_PARALLEL } from '../mysql/sink.js';
import { inLanes } from './lanes.js';
import type { SyncReport, SyncTablesOptions } from './options.js';
import { outcomeOf, failedReport, worstOutcome } from './outcome.js';
import { unsupportedColumns, unsupportedError } from './plan.js';
import { checkExclusions } from './exclusions.js';
import { checkJobs, checkTablesOptions, columnsLeftOut, createMissing, goneColumns, jobOf, prepareTable, sharedTargetError, tableJobs, type PreparedTable } from './prepare-tables.js';
import { summarize, type TablesSummary } from './report.js';
import { syncTable } from './sync-table.js';

const debug = createDebug('fbsync:sync');

/**
 * Syncs several tables over one MySQL pool, up to `parallelTables` at once. Every table is
 * planned (both schemas read and checked) before the first row moves, and missing tables are
 * created only then, so a typo in the last table name does not leave the first tables synced
 * and the rest not.
 *
 * Failures: one in planning (a connection, a schema, an option) throws before anything is
 * written, since it is the run's setup that is wrong and every table would meet it. Once rows
 * move, a table that fails (connection, SQL, a guard's refusal) ends with its own report, of
 * outcome `failed` or `refused` and its `error`, and the other tables go on; with `stopOnError`
 * no further table starts, and those not begun are listed in `skipped`. The summary's `outcome`
 * is the worst table's.
 *
 * Connections: each table in flight gets its own Firebird attachment (one wire carries one
 * request at a time) and `parallel` writers plus one diff reader from the shared MySQL pool, so
 * the pool holds parallelTables × (parallel + 1), capped below the server's max_connections;
 * when capped, tables wait their turn for a connection rather than fail.
 */
export async function syncTables(options: SyncTablesOptions): Promise<TablesSummary> {
  const parallelTables = checkTablesOptions(options);
  const jobs = tableJobs(options);
  const started = Date.now();
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  let db: FirebirdDatabase | undefined;
  let target: MysqlTarget | undefined;
  // Each lane's attachment; replaced when its connection is lost and a table's read attaches again.
  const lanes: { db: FirebirdDatabase }[] = [];
  try {
    db = await openFirebird(options.from);
    // The catalog reads: a connection lost meanwhile is let go, and the reads done again on a new one.
    const reattach = async () => {
      abandonFirebird(db!);
      db = await openFirebird(options.from);
    };
    const { tables, skipped, sources } = await againIfLost(
      async () => {
        const chosen = await chooseTables(db!, { tables: options.allTables ? undefined : jobs.map((j) => j.name), allTables: options.allTables });
        const described: FirebirdTable[] = [];
        for (const table of chosen.tables) described.push(await describeFirebirdTable(db!, table, { noneCharset: options.noneCharset }));
        for (const source of described) await checkReadable(db!, source, columnsLeftOut(options, jobOf(jobs, source.name), source.name));
        return { ...chosen, sources: described };
      },
      reattach,
      jobs.map((j) => j.name).join(', ') || 'all tables',
      options,
    );
    const lanesWanted = Math.max(1, Math.min(parallelTables, tables.length));
    target = await openMysql(options.to, { connections: lanesWanted * (parallel + 1) });
    // Excluding a column Firebird dropped since the last run is legal: it keeps the MySQL column.
    checkExclusions(options.excludeColumns ?? [], sources, await goneColumns(target, sources, jobs, options));
    checkJobs(jobs, sources, options);
    // Every column that cannot be copied, in every table, named at once rather than one per run.
    const unsupported = sources.flatMap((s) => unsupportedColumns(s, columnsLeftOut(options, jobOf(jobs, s.name), s.name)));
    if (unsupported.length > 0) throw unsupportedError(unsupported);
    const prepared: PreparedTable[] = [];
    for (const source of sources) prepared.push(await prepareTable(target, source, jobOf(jobs, source.name), options));
    for (const [i, p] of prepared.entries()) {
      const shared = sharedTargetError(p, prepared.slice(0, i));
      if (shared) throw shared;
    }
    const created = await createMissing(db, target, prepared, options);
    lanes.push({ db });
    db = undefined;
    for (let i = 1; i < lanesWanted; i++) lanes.push({ db: await openFirebird(options.from) });
    let stoppedBy: string | undefined;
    const stopped = () => options.signal?.aborted || stoppedBy !== undefined;
    const results = await inLanes(
      prepared,
      lanes,
      async (p, lane) => {
        const report = await syncOne(lane, target!, p, options);
        if (options.stopOnError && (report.outcome === 'failed' || report.outcome === 'refused')) stoppedBy ??= p.source;
        return report;
      },
      stopped,
    );
    const reports = results.filter((r): r is SyncReport => r !== undefined);
    // Tables not begun yet (the signal, or stopOnError) are named, not left out without a word.
    const reason = stoppedBy === undefined ? 'not begun: the run was stopped' : `not begun: ${stoppedBy} did not sync, and the run stops at the first table that does not`;
    const unstarted = prepared.filter((_p, i) => results[i] === undefined).map((p) => ({ table: p.source, reason }));
    const outcomes = reports.map((r) => r.outcome!);
    if (unstarted.length > 0 && stoppedBy === undefined) outcomes.push('interrupted');
    return {
      ...summarize(reports, Date.now() - started),
      outcome: worstOutcome(outcomes),
      created,
      skipped: [...skipped, ...unstarted],
      warnings: driverWarnings(),
    };
  } finally {
    await target?.end();
    for (const lane of lanes) await closeFirebird(lane.db);
    await closeFirebird(db);
  }
}

/** Syncs one table; its failure becomes its report (outcome `failed` or `refused`), never a throw. */
async function syncOne(lane: { db: FirebirdDatabase }, target: MysqlTarget, p: PreparedTable, options: SyncTablesOptions): Promise<SyncReport> {
  debug('syncing %s', p.source);
  const started = Date.now();
  const dryRun = Boolean(p.job.dryRun ?? options.dryRun);
  try {
    // A dry run creates nothing, so a table still to create has no target to diff against: all its rows would be inserted.
    if (p.create && dryRun) {
      const report = withOutcome(await wouldInsertAll(lane.db, p));
      // No rows flow, but the listener still hears the table's end.
      const { table, target, read, inserted, updated, unchanged, deleted, rowsPerSecond, elapsedMs } = report;
      const estimate = { rows: read, from: 'source count' as const };
      options.onProgress?.({ table, target, phase: 'done', read, inserted, updated, unchanged, deleted, estimate, rowsPerSecond, elapsedMs });
      return report;
    }
    const reconnect = async () => (lane.db = await openFirebird(options.from));
    const attachSide = () => openFirebird(options.from);
    return withOutcome(await syncTable({ ...options, ...p.job, from: lane.db, reconnect, attachSide, to: target, table: p.source, targetTable: p.target, excludeColumns: p.excludeColumns, columns: p.columns }));
  } catch (err) {
    debug('%s failed: %s', p.source, (err as Error)?.message);
    return failedReport(p.source, p.target, err, Date.now() - started, dryRun);
  }
}

function withOutcome(report: SyncReport): SyncReport {
  return { ...report, outcome: outcomeOf(report) };
}

async function wouldInsertAll(db: FirebirdDatabase, p: PreparedTable): Promise<SyncReport> {
  const started = Date.now();
  const n = await countRows(db, p.source);
  const elapsedMs = Date.now() - started;
  return {
    table: p.source,
    target: p.target,
    read: n,
    inserted: n,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    rejected: 0,
    dryRun: true,
    resumedAfter: null,
    interrupted: false,
    elapsedMs,
    rowsPerSecond: elapsedMs > 0 ? Math.round((n * 1000) / elapsedMs) : n,
  };
}

