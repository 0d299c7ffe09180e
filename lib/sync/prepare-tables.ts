import createDebug from 'debug';
import { FbsyncError } from '../core/errors.js';
import type { FirebirdDatabase } from '../firebird/connect.js';
import type { FirebirdTable } from '../firebird/metadata.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { createTableSql } from '../mysql/ddl.js';
import { describeMysqlTable, findMysqlTable, resolveMysqlTable } from '../mysql/metadata.js';
import { checkOptions as checkSyncOptions } from './check-options.js';
import { targetTableName } from './names.js';
import type { SyncTablesOptions, TableJob, TableOptions } from './options.js';
import { planSource, planTable, tableDesign } from './plan.js';
import { excludedColumns } from './exclusions.js';
import { planSync } from './plan-sync.js';
import { alterStatements, movesRefusal, sourceMoves } from './source-moves.js';
import { CheckpointStore } from '../mysql/checkpoint-store.js';
import { SOURCE_COLUMNS_TABLE, loadSourceColumns } from '../state/source-columns.js';

const debug = createDebug('fbsync:sync');

/*
 * A run of several tables, planned before anything is written: each table's job (its own
 * options over the run's), the columns it leaves out, its MySQL table as found or to create.
 * syncTables and checkTables share it.
 */

/** What planning decided for one table, before anything is written. */
export interface PreparedTable {
  source: string;
  /** The MySQL table's name (as found, or to create). */
  target: string;
  excludeColumns: string[];
  /** The job's own MySQL column names (TableJob.columns). */
  columns?: Readonly<Record<string, string>>;
  /** CREATE TABLE for a table that does not exist yet. */
  create?: string;
  /** Its own options, over the run's. */
  job: TableOptions;
  /** ALTER TABLE statements its run makes first (with `createTables`) for columns the source gained or widened. */
  alter?: string[];
  /** Why its run will refuse the table (a column the source dropped; without `createTables`, one to add or widen). */
  refusal?: FbsyncError;
}

/** Refuses a run with no tables or a bad `parallelTables`; returns `parallelTables`. */
export function checkTablesOptions(options: SyncTablesOptions): number {
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
export async function prepareTable(target: MysqlTarget, source: FirebirdTable, job: TableJob | undefined, options: SyncTablesOptions): Promise<PreparedTable> {
  const excludeColumns = columnsLeftOut(options, job, source.name);
  const softDelete = (job?.delete ?? options.delete) ? (job?.softDelete ?? options.softDelete) : undefined;
  const roundToTarget = job?.roundToTarget ?? options.roundToTarget;
  const columns = job?.columns;
  const planOptions = { excludeColumns, names: options.names, targetTable: job?.target, columns, strict: Boolean(options.createTables), softDelete, roundToTarget };
  const wanted = job?.target ?? targetTableName(options.names, source.name);
  const own = ownOptions(job);
  const existing = await findMysqlTable(target, wanted, source.name);
  if (existing) {
    // Columns the source gained or widened, or dropped, are the table's own run's to alter or
    // refuse, under its lock (see planRun): the other tables still run. The rest is checked now.
    const dest = await describeMysqlTable(target, existing);
    const remembered = await loadSourceColumns(new CheckpointStore(target, SOURCE_COLUMNS_TABLE), existing);
    const moves = sourceMoves(source, dest, remembered, planOptions);
    const refusal = movesRefusal(source.name, dest, moves, { createTables: options.createTables, remembered: remembered !== null });
    // A table its run will refuse has that to say first (a dropped column would also be one only MySQL has).
    if (!refusal) planTable(source, dest, { ...planOptions, altered: [...moves.add, ...moves.modify].map((a) => a.source) });
    return { source: source.name, target: existing, excludeColumns, ...(columns && { columns }), job: own, alter: alterStatements(moves), ...(refusal ? { refusal } : {}) };
  }
  if (!options.createTables) await resolveMysqlTable(target, wanted, source.name); // throws TARGET_TABLE_MISSING, with the hint
  const plan = planSource(source, planOptions);
  const design = tableDesign(plan);
  // The soft-delete column is the target's own: created with the table, after the source's.
  if (softDelete) design.columns.push({ name: softDelete, shape: { kind: 'timestamp' }, nullable: true, comment: 'fbsync softDelete: when the source lost the row' });
  return { source: source.name, target: plan.target, excludeColumns, ...(columns && { columns }), create: createTableSql(design), job: own };
}

/**
 * Per Firebird table, the columns the last completed run copied that Firebird no longer has
 * (see state/source-columns.ts): `excludeColumns` may name them, to keep their MySQL columns.
 */
export async function goneColumns(target: MysqlTarget, sources: readonly FirebirdTable[], jobs: readonly TableJob[], options: SyncTablesOptions): Promise<Map<string, string[]>> {
  const gone = new Map<string, string[]>();
  // Only `excludeColumns` entries are checked against the columns (see checkExclusions).
  if ((options.excludeColumns ?? []).length === 0) return gone;
  const store = new CheckpointStore(target, SOURCE_COLUMNS_TABLE);
  for (const source of sources) {
    const existing = await findMysqlTable(target, jobOf(jobs, source.name)?.target ?? targetTableName(options.names, source.name));
    const remembered = existing === undefined ? null : await loadSourceColumns(store, existing);
    const columns = (remembered ?? []).filter((c) => !source.columns.some((s) => s.name === c.source)).map((c) => c.source);
    if (columns.length > 0) gone.set(source.name, columns);
  }
  return gone;
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

/** With `allTables`, a job for a table the run does not sync is a mistake worth naming: the first is thrown. */
export function checkJobs(jobs: readonly TableJob[], sources: readonly FirebirdTable[], options: SyncTablesOptions): void {
  const [first] = options.allTables ? unsyncedJobs(jobs, sources) : [];
  if (first) throw unsyncedJobError(first);
}

/** The jobs that name none of the tables the run syncs. */
export function unsyncedJobs(jobs: readonly TableJob[], sources: readonly FirebirdTable[]): TableJob[] {
  return jobs.filter((job) => !sources.some((s) => s.name === job.name || s.name.toUpperCase() === job.name.toUpperCase()));
}

export function unsyncedJobError(job: TableJob): FbsyncError {
  return new FbsyncError('OPTION', `\`tables\` sets options for ${job.name}, which \`allTables\` does not sync (no such table, or it has no primary key)`, {
    hint: 'check the name, or leave the entry out',
    options: ['tables', 'allTables'],
    value: job.name,
  });
}

/** The run's `excludeColumns` that apply to a table, and the job's own. */
export function columnsLeftOut(options: SyncTablesOptions, job: TableJob | undefined, table: string): string[] {
  return [...excludedColumns(options.excludeColumns ?? [], table), ...(job?.excludeColumns ?? [])];
}

/** A job's own sync options, without its name, target, excluded and named columns. */
export function ownOptions(job: TableJob | undefined): TableOptions {
  if (!job) return {};
  const { name: _name, target: _target, excludeColumns: _excluded, columns: _columns, ...own } = job;
  return own;
}

/** Creates the missing tables (not in a dry run) and checks each against its source again. */
export async function createMissing(db: FirebirdDatabase, target: MysqlTarget, prepared: readonly PreparedTable[], options: SyncTablesOptions): Promise<string[]> {
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
    await planSync(db, target, { ...options, ...p.job, table: p.source, targetTable: p.target, excludeColumns: p.excludeColumns, columns: p.columns, strict: true });
  }
  return created;
}

/**
 * Two tables of a run into one MySQL table would overwrite (with `delete`, delete) each other's
 * rows, and share its checkpoint, watermark and notes of versions, which are kept by MySQL table:
 * the error for `p` when a table before it goes where it goes.
 */
export function sharedTargetError(p: PreparedTable, before: readonly PreparedTable[]): FbsyncError | undefined {
  const other = before.find((b) => b.target.toLowerCase() === p.target.toLowerCase());
  if (!other) return undefined;
  return new FbsyncError('OPTION', `Firebird tables ${other.source} and ${p.source} would both go to MySQL table ${p.target}`, {
    hint: "give each a MySQL table of its own (a table's `target`, or `names`)",
    options: ['tables', 'names'],
    value: p.source,
  });
}
