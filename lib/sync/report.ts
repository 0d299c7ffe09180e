import type { SkippedTable } from '../firebird/catalog.js';
import type { RetryEvent, SyncReport, TableOutcome } from './options.js';
import { zeroCounts, addCounts } from '../core/change-set.js';
import { outcomeOf, worstOutcome } from './outcome.js';

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
 * `rejected` column (after `deleted`) appears only when MySQL refused some row, and the
 * `outcome` column (last) only when some table did not simply sync, so that they stand out
 * when they matter and cost no width when they do not. A table that failed or was refused by
 * a guard has no counts (–: its run could not say them) and a line below with its error, its
 * options named by `nameOption`.
 */
export function formatSummary(summary: SyncSummary & { outcome?: TableOutcome }, nameOption: NameOption = inBackquotes): string {
  const num = (n: number) => n.toLocaleString('en-US');
  const overall = summary.outcome ?? worstOutcome(summary.tables.map(outcomeOf));
  const withRejects = summary.total.rejected > 0;
  const withOutcomes = overall !== 'synced';
  const columns: string[] = [...COLUMNS.slice(0, 6), ...(withRejects ? ['rejected'] : []), ...COLUMNS.slice(6), ...(withOutcomes ? ['outcome'] : [])];
  const line = (name: string, r: SyncSummary['total'] | SyncReport, outcome: TableOutcome) => {
    const counted = !('error' in r && r.error);
    const count = (n: number) => (counted ? num(n) : '–');
    return [
      name,
      count(r.read),
      count(r.inserted),
      count(r.updated),
      count(r.unchanged),
      count(r.deleted),
      ...(withRejects ? [count(r.rejected ?? 0)] : []),
      count(r.rowsPerSecond),
      `${(r.elapsedMs / 1000).toFixed(1)} s`,
      ...(withOutcomes ? [outcome] : []),
    ];
  };
  const rows = summary.tables.map((r) => line(r.table === r.target ? r.table : `${r.table} → ${r.target}`, r, outcomeOf(r)));
  if (summary.tables.length > 1) rows.push(line(`total (${summary.total.tables} tables)`, summary.total, overall));
  const all = [columns, ...rows];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const last = columns.length - 1;
  const aligned = (cell: string, i: number) => (i === 0 || (withOutcomes && i === last) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!));
  const text = all.map((r) => r.map(aligned).join('  ').trimEnd()).join('\n');
  const notes = [
    ...summary.tables.filter((r) => r.error).map((r) => `${r.table} ${outcomeOf(r)}: ${errorText(r.error!, nameOption)}`),
    ...summary.tables
      .filter((r) => r.since?.from)
      .map((r) => `(${r.table}: only rows with ${r.since!.column} from ${r.since!.from} on, less the overlap, were read; deleted rows are not seen this way)`),
    ...summary.tables.filter((r) => r.since?.heldBackBy).map((r) => `(${r.table}: the next run reads from ${r.since!.next} on, held back by ${r.since!.heldBackBy})`),
    ...summary.tables.filter((r) => r.since?.note).map((r) => `(${r.table}: ${r.since!.note})`),
    ...summary.tables
      .filter((r) => r.versions && r.versions.mode !== 'compared')
      .map((r) => `(${r.table}: every row was compared, since ${r.versions!.reason}; ${notedFor(r)})`),
    ...summary.tables.filter((r) => r.sourceChanged).map((r) => `(${r.table}: ${sourceChangedNote(r)})`),
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

/** A table's error as a line, its options named by `nameOption`. */
export function errorText(error: NonNullable<SyncReport['error']>, nameOption: NameOption = inBackquotes): string {
  return (error.options ?? []).reduce((text, option) => text.replaceAll(`\`${option}\``, nameOption(option)), error.message);
}

/** How a table's source columns changed since the last run, what was altered for it, and that every row was compared. */
function sourceChangedNote(r: SyncReport): string {
  const { changes, altered } = r.sourceChanged!;
  const what = changes.length > 0 ? `its columns changed since the last run (${changes.join('; ')})` : 'its MySQL table lacked source columns';
  const done = altered.length === 0 ? '' : r.dryRun ? `; would run ${altered.join('; ')}` : `; ran ${altered.join('; ')}`;
  return `${what}${done}; every row was compared`;
}

/** What became of the versions a run that compared every row noted (see RowVersions.finish). */
function notedFor(r: SyncReport): string {
  if (r.dryRun) return 'no versions were noted (dry run)';
  if (r.rejected > 0) return 'its versions were not kept, since MySQL refused rows';
  if (r.interrupted) return 'its versions were not kept, since the run did not complete';
  return 'versions were noted for the next run';
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

/** The summary as text: the per-table table, then the tables created and skipped (options named by `nameOption`, see formatSummary). */
export function formatTablesSummary(summary: TablesSummary, nameOption?: NameOption): string {
  const notes: string[] = [];
  if (summary.created.length > 0) notes.push(`${summary.total.dryRun ? 'would create' : 'created'} in MySQL: ${summary.created.join(', ')}`);
  if (summary.skipped.length > 0) notes.push(`skipped: ${summary.skipped.map((s) => `${s.table} (${s.reason})`).join(', ')}`);
  return [formatSummary(summary, nameOption), ...notes].join('\n');
}
