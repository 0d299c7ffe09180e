import createDebug from 'debug';
import { FbsyncError } from '../core/errors.js';
import { chooseTables, type SkippedTable } from '../firebird/catalog.js';
import { abandonFirebird, closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { driverWarnings } from '../firebird/driver-patch.js';
import { againIfLost } from '../firebird/retry.js';
import { checkReadable, countRows, describeFirebirdTable, type FirebirdTable } from '../firebird/metadata.js';
import { openMysql, type MysqlTarget } from '../mysql/connect.js';
import { createTableSql } from '../mysql/ddl.js';
import { describeMysqlTable, findMysqlTable, resolveMysqlTable } from '../mysql/metadata.js';
import { DEFAULT_PARALLEL } from '../mysql/sink.js';
import { targetTableName } from './names.js';
import { checkExclusions, excludedColumns, unsupportedColumns, unsupportedError, planSource, planTable, tableDesign } from './plan.js';
import { formatSummary, summarize, type NameOption, type SyncSummary } from './report.js';
import { syncTable } from './sync-table.js';
import { planSync } from './plan.js';
import { type SyncOptions, type SyncReport } from './options.js';
import { checkOptions as checkSyncOptions } from './check-options.js';
import { outcomeOf, failedReport, worstOutcome } from './outcome.js';
import type { TableOutcome } from './options.js';

const debug = createDebug('fbsync:sync');

/** The options that may differ from one table to the next (a job file's per-table options). */
export type TableOptions = Pick<
  SyncOptions,
  | 'delete'
  | 'dryRun'
  | 'rowVersions'
  | 'sinceColumn'
  | 'sinceOverlapSeconds'
  | 'resume'
  | 'maxErrors'
  | 'maxDelete'
  | 'softDelete'
  | 'pageSize'
  | 'batchRows'
  | 'parallel'
  | 'loadData'
>;

/** One table of a run, with what it does otherwise than the run's options say. */
export interface TableJob extends TableOptions {
  /** Firebird table name. */
  name: string;
  /** MySQL table name; default: the source's, through `names`. */
  target?: string;
  /** Columns of this table to leave out (besides the run's `excludeColumns` that apply to it). */
  excludeColumns?: readonly string[];
}

export interface SyncTablesOptions extends Omit<SyncOptions, 'from' | 'to' | 'table' | 'targetTable' | 'excludeColumns'> {
  from: string;
  to: string;
  /**
   * Tables to sync: names, or TableJobs with options of their own (the run's options are their
   * defaults). With `allTables`, the tables listed here only set options of their own.
   */
  tables?: ReadonlyArray<string | TableJob>;
  /** Every user table with a primary key; the others are listed in the summary's `skipped`. */
  allTables?: boolean;
  /** `TABLE.COLUMN` entries; a bare `COLUMN` applies to every table. */
  excludeColumns?: readonly string[];
  /**
   * Create missing MySQL tables from fbsync's type mapping (see `fbsync schema`), and hold
   * existing ones to it: a column too small for some source values is refused up front.
   */
  createTables?: boolean;
  /** Tables synced at once, each over its own Firebird attachment. Default 1. */
  parallelTables?: number;
  /**
   * Stop at the first table that fails: no further table starts (default: every table runs, and
   * each one's outcome is in the summary).
   */
  stopOnError?: boolean;
}

export interface TablesSummary extends SyncSummary {
  /**
   * How the run ended: its worst table's outcome (see OUTCOMES), and `interrupted` at least when
   * the signal left some table not begun. Each table's is in `tables[].outcome`.
   */
  outcome: TableOutcome;
  /** MySQL tables this run created (with `dryRun`: would have created). */
  created: string[];
  /** Tables `allTables` left out, with the reason. */
  skipped: SkippedTable[];
  /**
   * Things the run went through but that the user should hear of, one line each, never more than
   * once a run; empty when none. For now only one: the Firebird driver lacks fbsync's speed patch
   * (see `driverPatchStatus`, docs/driver-patch.md). The fbsync command prints each on stderr.
   */
  warnings: string[];
}

/** What planning decided for one table, before anything is written. */
interface Prepared {
  source: string;
  /** The MySQL table's name (as found, or to create). */
  target: string;
  excludeColumns: string[];
  /** CREATE TABLE for a table that does not exist yet. */
  create?: string;
  /** Its own options, over the run's. */
  job: TableOptions;
}

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
  const parallelTables = checkOptions(options);
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
    checkExclusions(options.excludeColumns ?? [], sources);
    checkJobs(jobs, sources, options);
    // Every column that cannot be copied, in every table, named at once rather than one per run.
    const unsupported = sources.flatMap((s) => unsupportedColumns(s, columnsLeftOut(options, jobOf(jobs, s.name), s.name)));
    if (unsupported.length > 0) throw unsupportedError(unsupported);
    const prepared: Prepared[] = [];
    for (const source of sources) prepared.push(await prepare(target, source, jobOf(jobs, source.name), options));
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

export function checkOptions(options: SyncTablesOptions): number {
  const named = (options.tables ?? []).length > 0;
  if (!named && !options.allTables) throw new FbsyncError('OPTION', 'no tables named', { hint: 'pass `tables` or `allTables`', options: ['tables', 'allTables'] });
  const n = options.parallelTables ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new FbsyncError('OPTION', `\`parallelTables\` must be a positive integer, not ${n}`, { options: ['parallelTables'], value: n });
  return n;
}

/**
 * Plans one table: an existing MySQL table is checked against the source (strictly with
 * `createTables`); a missing one is designed, if it may be created.
 */
export async function prepare(target: MysqlTarget, source: FirebirdTable, job: TableJob | undefined, options: SyncTablesOptions): Promise<Prepared> {
  const excludeColumns = columnsLeftOut(options, job, source.name);
  const softDelete = (job?.delete ?? options.delete) ? (job?.softDelete ?? options.softDelete) : undefined;
  const planOptions = { excludeColumns, names: options.names, targetTable: job?.target, strict: Boolean(options.createTables), softDelete };
  const wanted = job?.target ?? targetTableName(options.names, source.name);
  const own = ownOptions(job);
  const existing = await findMysqlTable(target, wanted);
  if (existing) {
    planTable(source, await describeMysqlTable(target, existing), planOptions);
    return { source: source.name, target: existing, excludeColumns, job: own };
  }
  if (!options.createTables) await resolveMysqlTable(target, wanted); // throws TARGET_TABLE_MISSING, with the hint
  const plan = planSource(source, planOptions);
  const design = tableDesign(plan);
  // The soft-delete column is the target's own: created with the table, after the source's.
  if (softDelete) design.columns.push({ name: softDelete, shape: { kind: 'timestamp' }, nullable: true, comment: 'fbsync softDelete: when the source lost the row' });
  return { source: source.name, target: plan.target, excludeColumns, create: createTableSql(design), job: own };
}

/** The run's tables as jobs; a table listed twice is refused. */
export function tableJobs(options: SyncTablesOptions): TableJob[] {
  const jobs = (options.tables ?? []).map((t) => (typeof t === 'string' ? { name: t } : t));
  const seen = new Map<string, string>();
  for (const job of jobs) {
    const key = job.name.toUpperCase();
    if (seen.has(key)) throw new FbsyncError('OPTION', `table ${job.name} is listed twice in \`tables\``, { hint: 'list each table once, with all its options', options: ['tables'], value: job.name });
    seen.set(key, job.name);
    // What cannot go together is refused before anything connects, for each table as it will run.
    checkSyncOptions({ ...options, ...ownOptions(job), table: job.name });
  }
  return jobs;
}

/** The job of a Firebird table, matched as Firebird matches names (case-insensitively when unquoted). */
export function jobOf(jobs: readonly TableJob[], table: string): TableJob | undefined {
  return jobs.find((j) => j.name === table) ?? jobs.find((j) => j.name.toUpperCase() === table.toUpperCase());
}

/** With `allTables`, a job for a table the run does not sync is a mistake worth naming. */
function checkJobs(jobs: readonly TableJob[], sources: readonly FirebirdTable[], options: SyncTablesOptions): void {
  if (!options.allTables) return;
  for (const job of jobs) {
    if (!sources.some((s) => s.name === job.name || s.name.toUpperCase() === job.name.toUpperCase())) {
      throw new FbsyncError('OPTION', `\`tables\` sets options for ${job.name}, which \`allTables\` does not sync (no such table, or it has no primary key)`, {
        hint: 'check the name, or leave the entry out',
        options: ['tables', 'allTables'],
        value: job.name,
      });
    }
  }
}

/** The run's `excludeColumns` that apply to a table, and the job's own. */
export function columnsLeftOut(options: SyncTablesOptions, job: TableJob | undefined, table: string): string[] {
  return [...excludedColumns(options.excludeColumns ?? [], table), ...(job?.excludeColumns ?? [])];
}

/** A job's own sync options, without its name, target and columns. */
function ownOptions(job: TableJob | undefined): TableOptions {
  if (!job) return {};
  const { name: _name, target: _target, excludeColumns: _columns, ...own } = job;
  return own;
}

/** Creates the missing tables (not in a dry run) and checks each against its source again. */
async function createMissing(db: FirebirdDatabase, target: MysqlTarget, prepared: readonly Prepared[], options: SyncTablesOptions): Promise<string[]> {
  const created: string[] = [];
  for (const p of prepared) {
    if (!p.create) continue;
    created.push(p.target);
    if (options.dryRun) continue;
    debug('creating %s: %s', p.target, p.create);
    try {
      await target.pool.query(p.create);
    } catch (err) {
      throw new FbsyncError('TARGET_CREATE', `creating MySQL table ${target.server.database}.${p.target} for ${p.source} failed: ${(err as Error).message}`, {
        hint: 'check the MySQL user may CREATE tables in that database; fbsync schema prints the statement',
        cause: err,
      });
    }
    await planSync(db, target, { ...options, ...p.job, table: p.source, targetTable: p.target, excludeColumns: p.excludeColumns, strict: true });
  }
  return created;
}

/** Syncs one table; its failure becomes its report (outcome `failed` or `refused`), never a throw. */
async function syncOne(lane: { db: FirebirdDatabase }, target: MysqlTarget, p: Prepared, options: SyncTablesOptions): Promise<SyncReport> {
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
    return withOutcome(await syncTable({ ...options, ...p.job, from: lane.db, reconnect, attachSide, to: target, table: p.source, targetTable: p.target, excludeColumns: p.excludeColumns }));
  } catch (err) {
    debug('%s failed: %s', p.source, (err as Error)?.message);
    return failedReport(p.source, p.target, err, Date.now() - started, dryRun);
  }
}

function withOutcome(report: SyncReport): SyncReport {
  return { ...report, outcome: outcomeOf(report) };
}

async function wouldInsertAll(db: FirebirdDatabase, p: Prepared): Promise<SyncReport> {
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

/**
 * Runs `work` for every item, at most one per lane at a time, each lane taking the next item
 * when it is done. Once `stopped()` says so, no new item starts; those running finish. After a
 * throw (which `work` should not do: a table's failure is its report), no new item starts either
 * and the first is thrown. Results keep the items' order; an item never started has none.
 */
async function inLanes<T, R, L>(items: readonly T[], lanes: readonly L[], work: (item: T, lane: L) => Promise<R>, stopped: () => boolean): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  let failure: { err: unknown } | undefined;
  await Promise.all(
    lanes.map(async (lane) => {
      while (!failure && !stopped() && next < items.length) {
        const i = next++;
        try {
          results[i] = await work(items[i]!, lane);
        } catch (err) {
          failure ??= { err };
        }
      }
    }),
  );
  if (failure) throw failure.err;
  return results;
}

/** The summary as text: the per-table table, then the tables created and skipped (options named by `nameOption`, see formatSummary). */
export function formatTablesSummary(summary: TablesSummary, nameOption?: NameOption): string {
  const notes: string[] = [];
  if (summary.created.length > 0) notes.push(`${summary.total.dryRun ? 'would create' : 'created'} in MySQL: ${summary.created.join(', ')}`);
  if (summary.skipped.length > 0) notes.push(`skipped: ${summary.skipped.map((s) => `${s.table} (${s.reason})`).join(', ')}`);
  return [formatSummary(summary, nameOption), ...notes].join('\n');
}
