import type { SyncReport } from './sync.js';
import { zeroCounts, addCounts } from './stages/diff.js';

export interface SyncSummary {
  tables: SyncReport[];
  total: Omit<SyncReport, 'table' | 'target'> & { tables: number };
}

export function summarize(reports: readonly SyncReport[], elapsedMs: number): SyncSummary {
  const counts = reports.reduce((acc, r) => addCounts(acc, r), zeroCounts());
  return {
    tables: [...reports],
    total: {
      tables: reports.length,
      ...counts,
      dryRun: reports.some((r) => r.dryRun),
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? Math.round((counts.read * 1000) / elapsedMs) : counts.read,
    },
  };
}

const COLUMNS = ['table', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'rows/s', 'elapsed'] as const;

/** A plain-text table, one row per synced table and a total row when there are several. */
export function formatSummary(summary: SyncSummary): string {
  const num = (n: number) => n.toLocaleString('en-US');
  const line = (name: string, r: Omit<SyncReport, 'table' | 'target'>) => [
    name,
    num(r.read),
    num(r.inserted),
    num(r.updated),
    num(r.unchanged),
    num(r.deleted),
    num(r.rowsPerSecond),
    `${(r.elapsedMs / 1000).toFixed(1)} s`,
  ];
  const rows = summary.tables.map((r) => line(r.table === r.target ? r.table : `${r.table} → ${r.target}`, r));
  if (summary.tables.length > 1) rows.push(line(`total (${summary.total.tables} tables)`, summary.total));
  const all = [[...COLUMNS] as string[], ...rows];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const text = all.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
  return summary.total.dryRun ? `${text}\n(dry run: nothing was written)` : text;
}
