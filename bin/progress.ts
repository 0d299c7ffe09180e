/**
 * How the command shows a run's progress on stderr (`--progress`):
 * - `auto` (default): on a terminal, one live bar per running table, drawn by cli-progress and
 *   erased before the summary prints; nothing at all when stderr is not a terminal.
 * - `json`: one JSON object per line per table every few seconds and when the table ends, for
 *   log collectors (fields in docs/command.md, "Progress").
 * - `none`: nothing.
 */
import cliProgress from 'cli-progress';
import type { TableProgress } from '../lib/index.js';

export const PROGRESS_MODES = ['auto', 'json', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export interface ProgressOutput {
  /** For SyncOptions.onProgress; undefined when nothing is shown (the library then counts nothing). */
  onProgress: ((progress: TableProgress) => void) | undefined;
  /** Writes a line on stderr without tearing the bars (retries, warnings). */
  log(line: string): void;
  /** Erases the bars; call it before the summary prints. */
  stop(): void;
}

export function progressOutput(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): ProgressOutput {
  if (mode === 'json') return jsonLines(stream);
  if (mode === 'auto' && stream.isTTY) return bars(stream);
  return { onProgress: undefined, log: (line) => stream.write(line), stop: () => undefined };
}

/** The documented fields, in a fixed order, and nothing else. */
export function progressJson(p: TableProgress): string {
  const { table, target, phase, read, inserted, updated, unchanged, deleted, rowsPerSecond, elapsedMs, estimate } = p;
  return JSON.stringify({ table, target, phase, read, inserted, updated, unchanged, deleted, rowsPerSecond, elapsedMs, ...(estimate ? { estimate } : {}) });
}

function jsonLines(stream: NodeJS.WriteStream): ProgressOutput {
  return {
    onProgress: (p) => stream.write(`${progressJson(p)}\n`),
    log: (line) => stream.write(line),
    stop: () => undefined,
  };
}

interface Shown {
  bar: cliProgress.SingleBar;
  progress: TableProgress;
}

function bars(stream: NodeJS.WriteStream): ProgressOutput {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: true,
      hideCursor: true,
      barsize: 24,
      // The figures change every 2 s (the library's interval); more redraws would show nothing new.
      fps: 4,
      format: (options, params, payload: { line?: (bar: string) => string }) => payload.line?.(cliProgress.Format.BarFormat(params.progress, options)) ?? '',
    },
    cliProgress.Presets.shades_classic,
  );
  const shown = new Map<string, Shown>();
  const width = () => Math.max(0, ...[...shown.values()].map((s) => name(s.progress).length));
  return {
    onProgress(p) {
      const key = `${p.table}\u0000${p.target}`;
      let entry = shown.get(key);
      if (p.phase === 'done') {
        if (entry) multibar.remove(entry.bar);
        shown.delete(key);
        return;
      }
      const total = p.estimate?.rows ?? 0;
      const payload = { line: (bar: string) => barLine(p, bar, width()) };
      if (!entry) {
        entry = { bar: multibar.create(Math.max(total, 1), Math.min(p.read, total), payload), progress: p };
        shown.set(key, entry);
      } else {
        entry.progress = p;
        entry.bar.setTotal(Math.max(total, 1));
        entry.bar.update(Math.min(p.read, total), payload);
      }
    },
    log: (line) => multibar.log(line),
    stop: () => multibar.stop(),
  };
}

function name(p: TableProgress): string {
  return p.table === p.target ? p.table : `${p.table} → ${p.target}`;
}

/**
 * One table's bar: `ORDERS → orders  ░░░░████…  45%  450,000 of 1,000,000 rows  52,300 rows/s  ETA 0:11`;
 * until the estimate is known, the rows read so far and the pace.
 */
export function barLine(p: TableProgress, bar: string, nameWidth = 0): string {
  const num = (n: number) => n.toLocaleString('en-US');
  const label = name(p).padEnd(nameWidth);
  const pace = `${num(p.rowsPerSecond)} rows/s`;
  if (!p.estimate) return `${label}  ${num(p.read)} rows read (counting the source…)  ${pace}`;
  const total = p.estimate.rows;
  const share = total > 0 ? Math.min(100, Math.floor((p.read * 100) / total)) : 100;
  const left = Math.max(0, total - p.read);
  const eta = p.rowsPerSecond > 0 ? clock(left / p.rowsPerSecond) : '?';
  return `${label}  ${bar}  ${String(share).padStart(3)}%  ${num(p.read)} of ${num(total)} rows  ${pace}  ETA ${eta}`;
}

/** Seconds as m:ss, or h:mm:ss from an hour on. */
function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
