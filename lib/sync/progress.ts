import createDebug from 'debug';
import type { Counts } from '../core/change-set.js';
import type { TableProgress } from './options.js';

const debug = createDebug('fbsync:progress');

/** How often a running table tells `onProgress` how it is going. */
export const PROGRESS_INTERVAL_MS = 2000;

export interface ProgressTickerOptions {
  table: string;
  target: string;
  /** The run's tally, read (never copied) at each tick: the hot path only adds to it. */
  counts: Readonly<Counts>;
  onProgress: (progress: TableProgress) => void;
  /** When the table's run started (ms, as `now` counts). */
  started: number;
  intervalMs?: number;
  /** The clock; a spec passes its own. */
  now?: () => number;
  /** The timer; a spec passes its own. Returns the call that stops it. */
  every?: (ms: number, fn: () => void) => () => void;
}

/**
 * Tells a listener how one table's run is going: a `reading` report on a timer, however fast
 * rows flow (nothing is done per row or page), and one `done` report at the end. The listener
 * is the caller's code: what it throws is traced (fbsync:progress), never the run's failure.
 */
export class ProgressTicker {
  readonly #options: ProgressTickerOptions;
  readonly #now: () => number;
  readonly #stop: () => void;
  #estimate: TableProgress['estimate'];
  #done = false;

  constructor(options: ProgressTickerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const every = options.every ?? timer;
    this.#stop = every(options.intervalMs ?? PROGRESS_INTERVAL_MS, () => this.#tell('reading'));
  }

  /** The rows the run expects to read, once known; later reports carry it. */
  set estimate(estimate: TableProgress['estimate']) {
    this.#estimate = estimate;
  }

  /** The run ended (whatever the outcome): the last report, once; the timer stops. */
  done(): void {
    if (this.#done) return;
    this.#stop();
    this.#tell('done');
    this.#done = true;
  }

  #tell(phase: TableProgress['phase']): void {
    if (this.#done) return;
    const { table, target, counts, started } = this.#options;
    const elapsedMs = Math.max(0, this.#now() - started);
    const progress: TableProgress = {
      table,
      target,
      phase,
      read: counts.read,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      deleted: counts.deleted,
      ...(this.#estimate ? { estimate: this.#estimate } : {}),
      rowsPerSecond: elapsedMs > 0 ? Math.round((counts.read * 1000) / elapsedMs) : 0,
      elapsedMs,
    };
    try {
      this.#options.onProgress(progress);
    } catch (err) {
      debug('%s: onProgress threw: %s', table, (err as Error).message);
    }
  }
}

/** A timer that does not keep the process alive. */
function timer(ms: number, fn: () => void): () => void {
  const handle = setInterval(fn, ms);
  handle.unref();
  return () => clearInterval(handle);
}
