import type { Counts } from '../core/change-set.js';
import type { Page } from '../core/page.js';
import type { Key } from '../core/table.js';

/** How far a run's writes have committed: every page before `pagesDone`, every key up to `key`. */
export interface Progress {
  pagesDone: number;
  key: Key | null;
  /** Some batch with rows or keys in it has committed (a re-sync that changes nothing writes nothing). */
  wrote: boolean;
}

/** How a run ended, once its streams have closed. */
export interface RunEnd extends Progress {
  /** The source's last page was written: every row was seen. */
  finished: boolean;
  /** Rows MySQL refused for good. */
  rejected: number;
  counts: Counts;
}

/**
 * One kind of state a run keeps in the target between runs (its checkpoint, the watermark of
 * `sinceColumn`, the notes of `rowVersions`), as the pipeline drives it: stages that see the
 * source's pages, what it does as pages commit, and what it does when the run ends.
 */
export interface RunState {
  /** Stages that see every source page first, as Firebird has it (before any transform). */
  readonly stages: ReadonlyArray<(page: Page) => Page>;
  /** The run's progress moved. */
  committed(progress: Progress): void;
  /**
   * The run ended. A state keeps what a completed run leaves only when `finished`; whatever it
   * does, it waits for its writes. The pipeline ends the states in order, and once one has
   * failed the rest end as if the run had not finished.
   */
  end(run: RunEnd): Promise<void>;
}

/**
 * Where a state keeps a small JSON value per target table, in the target database
 * (mysql/checkpoint-store.ts): checkpoints, watermarks, which notes of versions are valid.
 */
export interface TableValues {
  load(table: string): Promise<Key | null>;
  save(table: string, value: Key): Promise<void>;
  clear(table: string): Promise<void>;
  /** Waits for the writes already asked for. */
  flush(): Promise<void>;
}

/** Ends every state in order; after a failure, the rest end as if the run had not finished. */
export async function endAll(states: readonly RunState[], run: RunEnd): Promise<void> {
  let failure: { err: unknown } | undefined;
  for (const state of states) {
    try {
      await state.end(failure ? { ...run, finished: false } : run);
    } catch (err) {
      failure ??= { err };
    }
  }
  if (failure) throw failure.err;
}
