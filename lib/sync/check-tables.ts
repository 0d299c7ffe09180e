import { FbsyncError } from '../core/errors.js';
import { withPlanningSession } from './planning-session.js';
import type { SkippedTable } from '../firebird/catalog.js';
import { driverWarnings } from '../firebird/driver-patch.js';
import { checkReadable, describeFirebirdTable, type FirebirdTable } from '../firebird/metadata.js';
import { unsupportedColumns, unsupportedError } from './plan.js';
import { checkExclusions } from './exclusions.js';
import type { SyncTablesOptions } from './options.js';
import { checkTablesOptions, columnsLeftOut, goneColumns, jobOf, prepareTable, sharedTargetError, tableJobs, unsyncedJobError, unsyncedJobs, type PreparedTable } from './prepare-tables.js';

/** What planning found for one table (checkTables). */
export interface TableCheck {
  /** Firebird table, as named (or as the catalog spells it, with `allTables`). */
  table: string;
  /** The MySQL table it goes to, once known. */
  target?: string;
  /** The MySQL table is missing and `createTables` would create it. */
  create?: boolean;
  /** With `createTables`: the ALTER TABLE statements its run would make first, for columns Firebird added or widened. */
  alter?: string[];
  /** Why the table cannot be synced as it stands; absent when it can. */
  problem?: { code: string; message: string; options: readonly string[] };
}

export interface TablesCheck {
  tables: TableCheck[];
  /** Tables `allTables` leaves out, with the reason. */
  skipped: SkippedTable[];
  /** As TablesSummary.warnings. */
  warnings: string[];
}

/**
 * Plans a run as syncTables does before it writes anything, and writes nothing: the options are
 * checked, both servers connected, every table's source read and checked against its MySQL
 * table (or designed, with `createTables`, for a missing one). Nothing is created, not even
 * fbsync's bookkeeping tables. A table that cannot be synced is reported with its problem
 * rather than thrown, so that one check names every table at fault; a bad option, or a server
 * that cannot be reached, still throws.
 */
export async function checkTables(options: SyncTablesOptions): Promise<TablesCheck> {
  checkTablesOptions(options);
  const jobs = tableJobs(options);
  return withPlanningSession(options, jobs, async (db, target, { tables, skipped }) => {
    const checks: TableCheck[] = [];
    const sources: FirebirdTable[] = [];
    const planned: PreparedTable[] = [];
    for (const name of tables) {
      const check: TableCheck = { table: name };
      checks.push(check);
      try {
        const source = await describeFirebirdTable(db, name, { noneCharset: options.noneCharset });
        check.table = options.allTables ? source.name : name;
        sources.push(source);
        const job = jobOf(jobs, source.name);
        const leftOut = columnsLeftOut(options, job, source.name);
        await checkReadable(db, source, leftOut);
        const unsupported = unsupportedColumns(source, leftOut);
        if (unsupported.length > 0) throw unsupportedError(unsupported);
        const prepared = await prepareTable(target, source, job, options);
        // A source that moved since the last run: its run would refuse the table (see planRun).
        if (prepared.refusal) throw prepared.refusal;
        check.target = prepared.target;
        if (prepared.create) check.create = true;
        if (prepared.alter?.length) check.alter = prepared.alter;
        const shared = sharedTargetError(prepared, planned);
        planned.push(prepared);
        if (shared) throw shared;
      } catch (err) {
        if (!(err instanceof FbsyncError)) throw err;
        check.problem = { code: err.code, message: err.message, options: err.options };
      }
    }
    // With allTables, an entry of `tables` for a table the run does not sync is a mistake of its own.
    if (options.allTables) {
      for (const job of unsyncedJobs(jobs, sources)) {
        const err = unsyncedJobError(job);
        checks.push({ table: job.name, problem: { code: err.code, message: err.message, options: err.options } });
      }
    }
    checkExclusions(options.excludeColumns ?? [], sources, await goneColumns(target, sources, jobs, options));
    return { tables: checks, skipped, warnings: driverWarnings() };
  });
}
