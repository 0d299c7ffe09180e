import { FbsyncError } from '../core/errors.js';
import type { SyncReport, TableOutcome } from './options.js';

/**
 * The outcomes from best to worst; a run's outcome is its worst table's.
 *
 * `busy` sits just above `synced`: the table was left alone, untouched, because another run was
 * syncing it at that moment — it is as fresh as that run makes it, and nobody need look; the
 * next scheduled run takes it up. Any other outcome needs more: rejected rows are missing from
 * the target until someone looks at the reject file.
 *
 * `interrupted` sits above `rejected` and below `refused`: an interrupted table did not
 * complete (part of its target is as old as before the run), while a rejected one completed but
 * for the rows in the reject file; yet an interruption was asked for (by an operator or the
 * scheduler) and the next run, with `resume`, takes it up by itself, while a guard's refusal
 * and a failure wait for someone to look.
 */
export const OUTCOMES: readonly TableOutcome[] = ['synced', 'busy', 'rejected', 'interrupted', 'refused', 'failed'];

/** The worst of some outcomes; `synced` when there are none (a run with no tables did nothing wrong). */
export function worstOutcome(outcomes: Iterable<TableOutcome>): TableOutcome {
  let worst = 0;
  for (const o of outcomes) worst = Math.max(worst, OUTCOMES.indexOf(o));
  return OUTCOMES[worst]!;
}

/**
 * A report's outcome: what it says, or for a report without one (made by syncTable, or before
 * outcomes were reported) what its flags say.
 */
export function outcomeOf(report: SyncReport): TableOutcome {
  if (report.outcome) return report.outcome;
  if (report.interrupted) return 'interrupted';
  return report.rejected > 0 ? 'rejected' : 'synced';
}

/**
 * The error codes of a refusal: a guard's (see SyncOptions.maxDelete), and a table whose source
 * columns moved in a way that needs a person or `createTables` (see sync/source-moves.ts).
 */
export const REFUSED_CODES: readonly string[] = ['DELETE_GUARD', 'SOURCE_MOVED', 'TARGET_COLUMN_MISSING'];

/** The error code of a table another run holds (see SyncOptions.wait). */
export const BUSY_CODES: readonly string[] = ['TABLE_BUSY'];

/**
 * The report of a table whose run threw: `refused` for a guard's refusal, `busy` for a table
 * another run holds, `failed` for anything else. Its counts are 0, since the run could not say them (rows may have been written before
 * the error; the next run sets them right); `error` says what happened, in the library's words.
 */
export function failedReport(table: string, target: string, err: unknown, elapsedMs: number, dryRun: boolean): SyncReport {
  const code = err instanceof FbsyncError ? err.code : typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const options = err instanceof FbsyncError && err.options.length > 0 ? { options: [...err.options] } : {};
  return {
    table,
    target,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    rejected: 0,
    dryRun,
    resumedAfter: null,
    interrupted: false,
    elapsedMs,
    rowsPerSecond: 0,
    outcome: code !== undefined && REFUSED_CODES.includes(code) ? 'refused' : code !== undefined && BUSY_CODES.includes(code) ? 'busy' : 'failed',
    error: { ...(code === undefined ? {} : { code }), message, ...options },
  };
}
