import type { RetryEvent, SyncReport } from './options.js';
import { zeroCounts, addCounts } from '../core/change-set.js';

export interface SyncSummary {
  tables: SyncReport[];
  total: Omit<SyncReport, 'table' | 'target' | 'resumedAfter' | 'since' | 'versions'> & { tables: number };
}

export function summarize(reports: readonly SyncReport[], elapsedMs: number): SyncSummary {
  const counts = reports.reduce((acc, r) => addCounts(acc, r), zeroCounts());
  return {
    tables: [...reports],
    total: {
      tables: reports.length,
      ...counts,
      // `?? 0`: reports made before rejects were counted (e.g. kept as JSON) lack the field.
      rejected: reports.reduce((n, r) => n + (r.rejected ?? 0), 0),
      dryRun: reports.some((r) => r.dryRun),
      interrupted: reports.some((r) => r.interrupted),
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? Math.round((counts.read * 1000) / elapsedMs) : counts.read,
    },
  };
}

const COLUMNS = ['table', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'rows/s', 'elapsed'] as const;

/**
 * How a text names one of the library's options: by default as a caller of the library spells
 * it, in backquotes (`resume`); a command-line front end passes its flags instead.
 */
export type NameOption = (option: string) => string;

const inBackquotes: NameOption = (option) => `\`${option}\``;

/**
 * A plain-text table, one row per synced table and a total row when there are several. The
 * `rejected` column (after `deleted`) appears only when MySQL refused some row, so that it
 * stands out when it matters and costs no width when it does not.
 */
export function formatSummary(summary: SyncSummary, nameOption: NameOption = inBackquotes): string {
  const num = (n: number) => n.toLocaleString('en-US');
  const withRejects = summary.total.rejected > 0;
  const columns: string[] = withRejects ? [...COLUMNS.slice(0, 6), 'rejected', ...COLUMNS.slice(6)] : [...COLUMNS];
  const line = (name: string, r: SyncSummary['total'] | SyncReport) => [
    name,
    num(r.read),
    num(r.inserted),
    num(r.updated),
    num(r.unchanged),
    num(r.deleted),
    ...(withRejects ? [num(r.rejected ?? 0)] : []),
    num(r.rowsPerSecond),
    `${(r.elapsedMs / 1000).toFixed(1)} s`,
  ];
  const rows = summary.tables.map((r) => line(r.table === r.target ? r.table : `${r.table} → ${r.target}`, r));
  if (summary.tables.length > 1) rows.push(line(`total (${summary.total.tables} tables)`, summary.total));
  const all = [columns, ...rows];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const text = all.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
  const notes = [
    ...summary.tables
      .filter((r) => r.since?.from)
      .map((r) => `(${r.table}: only rows with ${r.since!.column} from ${r.since!.from} on, less the overlap, were read; deleted rows are not seen this way)`),
    ...summary.tables
      .filter((r) => r.versions && r.versions.mode !== 'compared')
      .map((r) => `(${r.table}: every row was compared, since ${r.versions!.reason}; ${notedFor(r)})`),
    ...summary.tables.filter((r) => r.resumedAfter).map((r) => `(${r.table}: resumed after key ${JSON.stringify(r.resumedAfter)}; rows up to it were not read again)`),
    ...(summary.total.interrupted ? [`(interrupted: the checkpoint is kept; run again with ${nameOption('resume')} to continue)`] : []),
    ...(summary.total.dryRun ? ['(dry run: nothing was written)'] : []),
  ];
  return [text, ...notes].join('\n');
}

/**
 * One retry as a log line, for unattended runs: which side, what, the server's words, and when
 * the next attempt comes. `Firebird read of TB_ESTOQUE failed (Connection shutdown); attempt 1 of 8, again in 0.2 s`
 */
export function formatRetry(event: RetryEvent): string {
  const side = event.database === 'mysql' ? 'MySQL' : 'Firebird';
  const code = event.database === 'mysql' ? (event.error.code ?? event.error.errno) : (event.error.gdscode ?? event.error.code);
  const why = code === undefined ? event.error.message : `${event.error.message}; ${code}`;
  const how = event.database === 'firebird' ? 'attaching again' : 'again';
  return `${side} ${event.operation} of ${event.table} failed (${why}); attempt ${event.attempt} of ${event.attempts}, ${how} in ${(event.delayMs / 1000).toFixed(1)} s`;
}

/** What became of the versions a run that compared every row noted (see RowVersions.finish). */
function notedFor(r: SyncReport): string {
  if (r.dryRun) return 'no versions were noted (dry run)';
  if (r.rejected > 0) return 'its versions were not kept, since MySQL refused rows';
  if (r.interrupted) return 'its versions were not kept, since the run did not complete';
  return 'versions were noted for the next run';
}
