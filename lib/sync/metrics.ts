import type { SyncReport, TableOutcome } from './options.js';
import { OUTCOMES, outcomeOf, worstOutcome } from './outcome.js';

/*
 * A run's result in Prometheus' text exposition format, for node_exporter's textfile collector
 * (the usual way a batch job reports to Prometheus). Pure: the file is written elsewhere.
 *
 * Per-table values describe the table's latest run, so they are gauges (a counter's `_total`
 * would promise a value that only grows, and rate() over it would be wrong). The metric names,
 * labels and meanings are documented in docs/command.md ("Metrics file"); they are stable.
 */

/** What the metrics say about one run. */
export interface RunMetrics {
  /** The tables' reports (an absent `outcome` is derived, see outcomeOf). */
  reports: readonly SyncReport[];
  /** When the run ended. */
  endedAt: Date;
  /** How long the whole run took. */
  elapsedMs: number;
  /**
   * The run failed as a whole (connection, schema, options) before reporting its tables: its
   * outcome is `failed` whatever the reports (usually none) say.
   */
  failed?: boolean;
  /**
   * Last success times (Unix seconds) known from before, by source table: a table that did not
   * succeed in this run keeps its value (see lastSuccessTimes).
   */
  previousSuccess?: ReadonlyMap<string, LastSuccess>;
}

/** When a table last succeeded (Unix seconds), and into which MySQL table. */
export interface LastSuccess {
  seconds: number;
  target: string;
}

/** A table succeeded when its run completed: every row read and written, MySQL's refusals aside. */
function succeeded(outcome: TableOutcome): boolean {
  return outcome === 'synced' || outcome === 'rejected';
}

interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

/** The run's metrics as the text of a .prom file (ends with a newline). */
export function metricsText(run: RunMetrics): string {
  const now = seconds(run.endedAt.getTime());
  const reports = run.reports;
  const family = (name: string, help: string, value: (r: SyncReport) => number): Family => ({
    name,
    help,
    samples: reports.map((r) => ({ labels: labelsOf(r), value: value(r) })),
  });
  const success = new Map(run.previousSuccess ?? []);
  for (const r of reports) if (succeeded(outcomeOf(r))) success.set(r.table, { seconds: now, target: r.target });
  const families: Family[] = [
    family('fbsync_table_rows_read', "Source rows the table's last run read.", (r) => r.read),
    family('fbsync_table_rows_inserted', "Rows the table's last run inserted into the target.", (r) => r.inserted),
    family('fbsync_table_rows_updated', "Rows the table's last run updated in the target.", (r) => r.updated),
    family('fbsync_table_rows_unchanged', "Rows the table's last run found equal in the target.", (r) => r.unchanged),
    family('fbsync_table_rows_deleted', "Rows the table's last run deleted from the target.", (r) => r.deleted),
    family('fbsync_table_rows_rejected', "Rows MySQL refused in the table's last run (in the reject file).", (r) => r.rejected ?? 0),
    family('fbsync_table_duration_seconds', "How long the table's last run took.", (r) => r.elapsedMs / 1000),
    family('fbsync_table_last_run_timestamp_seconds', "When the table's last run ended (Unix time).", () => now),
    {
      name: 'fbsync_table_outcome',
      help: "How the table's last run ended: 1 for its outcome, 0 for the others.",
      samples: reports.flatMap((r) => OUTCOMES.map((o) => ({ labels: { ...labelsOf(r), outcome: o }, value: outcomeOf(r) === o ? 1 : 0 }))),
    },
    {
      name: 'fbsync_table_last_success_timestamp_seconds',
      help: 'When a run of the table last completed (synced, or with rejected rows), Unix time; kept across failed runs.',
      samples: [...success].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([table, last]) => ({ labels: { table, target: last.target }, value: last.seconds })),
    },
  ];
  const outcome = run.failed ? 'failed' : worstOutcome(reports.map(outcomeOf));
  const runFamilies: Family[] = [
    { name: 'fbsync_run_timestamp_seconds', help: 'When the last run ended (Unix time).', samples: [{ labels: {}, value: now }] },
    { name: 'fbsync_run_duration_seconds', help: 'How long the last run took.', samples: [{ labels: {}, value: run.elapsedMs / 1000 }] },
    { name: 'fbsync_run_tables', help: 'Tables the last run reported on.', samples: [{ labels: {}, value: reports.length }] },
    {
      name: 'fbsync_run_outcome',
      help: "The last run's outcome, the worst of its tables' (failed when the run itself failed): 1 for it, 0 for the others.",
      samples: OUTCOMES.map((o) => ({ labels: { outcome: o }, value: o === outcome ? 1 : 0 })),
    },
  ];
  return [...families, ...runFamilies].map(formatFamily).join('');
}

/**
 * The last success times a metrics file holds, by table: what a run that fails (or leaves a
 * table out) carries over. Lines it does not know are ignored, so a file by an older or newer
 * fbsync, or none, gives what it can.
 */
export function lastSuccessTimes(text: string): Map<string, LastSuccess> {
  const times = new Map<string, LastSuccess>();
  for (const line of text.split('\n')) {
    const m = /^fbsync_table_last_success_timestamp_seconds\{(.*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const { table, target } = parseLabels(m[1]!);
    const value = Number(m[2]);
    if (table !== undefined && Number.isFinite(value)) times.set(table, { seconds: value, target: target ?? table });
  }
  return times;
}

function formatFamily(f: Family): string {
  const lines = [`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} gauge`];
  for (const s of f.samples) lines.push(`${f.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  return `${lines.join('\n')}\n`;
}

function labelsOf(r: SyncReport): Record<string, string> {
  return { table: r.table, target: r.target };
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/** Label values escape backslash, double quote and newline (the exposition format's rule). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /(\w+)="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function formatValue(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
