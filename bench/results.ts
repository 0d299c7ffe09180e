/**
 * What a bench run produces, as kept in the JSON results file (bench/results/, git-ignored),
 * and the statistics the table shows: the MEDIAN of the K runs of every row.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaseId } from './suite.js';

/** CPU time during a run: the child's own, each database server's, and the rest of the machine's. */
export interface Cpu {
  childMs: number | undefined;
  firebirdMs: number | undefined;
  mysqlMs: number | undefined;
  otherMs: number | undefined;
}

export interface RunRecord {
  run: number;
  /** The work's own time, as the child measured it. */
  elapsedMs: number;
  /** Spawn to exit, process start-up included. */
  wallMs: number;
  peakRssKb: number | undefined;
  rowsPerSecond: number;
  cpu: Cpu;
  /** What the untimed preparation did (e.g. the change set applied). */
  prepared?: unknown;
  problems: string[];
  /** The child's JSON answer. */
  detail: unknown;
}

export interface Summary {
  elapsedMs: number;
  wallMs: number;
  peakRssKb: number | undefined;
  /** Rows over the median elapsed time. */
  rowsPerSecond: number;
  /** Median of each CPU figure over the runs. */
  cpu: Cpu;
}

export interface CaseRecord {
  id: CaseId;
  number: number;
  label: string;
  rows: number;
  runs: RunRecord[];
  median: Summary | undefined;
  /** Set when a run crashed, timed out or answered nonsense; the remaining runs are skipped. */
  failure?: string;
  verify?: { ok: boolean; lines: string; detail: unknown };
}

export interface TargetResult {
  label: string;
  /** undefined: could not be evaluated (a row was skipped or failed). */
  pass: boolean | undefined;
  value: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  options: { rows: number; runs: number; baselineRows: number; skip10x: boolean; skipNetwork?: boolean; linkDelayMs?: number; reuseFixture: boolean };
  environment: { source: { commit: string; dirty: boolean }; driver: string; node: string; cpus: number; loadAverageAtStart: number; firebird: string; mysql: string; rssMethod: string; fixture: string; fixture10x?: string };
  cases: CaseRecord[];
  targets: TargetResult[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(rows: number, runs: readonly RunRecord[]): Summary | undefined {
  if (runs.length === 0) return undefined;
  const elapsedMs = median(runs.map((r) => r.elapsedMs));
  const medianOf = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length ? median(known) : undefined;
  };
  return {
    elapsedMs,
    wallMs: median(runs.map((r) => r.wallMs)),
    peakRssKb: medianOf(runs.map((r) => r.peakRssKb)),
    rowsPerSecond: (rows * 1000) / elapsedMs,
    cpu: {
      childMs: medianOf(runs.map((r) => r.cpu.childMs)),
      firebirdMs: medianOf(runs.map((r) => r.cpu.firebirdMs)),
      mysqlMs: medianOf(runs.map((r) => r.cpu.mysqlMs)),
      otherMs: medianOf(runs.map((r) => r.cpu.otherMs)),
    },
  };
}

/** Default file name: bench/results/2025-11-25T19-40-03Z.json */
export function defaultResultsPath(root: string, started: Date): string {
  return `${root}/bench/results/${started.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`;
}

export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
