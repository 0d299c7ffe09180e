import createDebug from 'debug';
import type { Batch } from '../core/batch.js';
import type { Key } from '../core/table.js';
import type { Progress, RunEnd, RunState, TableValues } from './run-state.js';

const debug = createDebug('fbsync:checkpoint');

/** How often a checkpoint may be written while a table syncs. */
export const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Follows batch commits and says how far the target is complete. Batches commit out of order
 * (several are in flight), so the checkpoint is a low-water mark: the last key of the last page
 * such that it and every page before it are fully committed. It is never ahead of a batch that
 * has not committed, so resuming after it cannot skip a row.
 */
export class CheckpointTracker {
  #next = 0;
  readonly #pages = new Map<number, { committed: number; total: number; through: Key | null }>();
  #key: Key | null;

  /** `start`: the key the run resumed after (null for a run from the beginning). */
  constructor(start: Key | null = null) {
    this.#key = start;
  }

  /** The current checkpoint: every source key up to it is in the target. */
  get key(): Key | null {
    return this.#key;
  }

  /** How many pages, counted from the run's first, are wholly committed. */
  get pagesDone(): number {
    return this.#next;
  }

  /** Records a committed batch; returns true when the checkpoint moved. */
  committed(batch: Pick<Batch, 'seq' | 'through' | 'pageBatches'>): boolean {
    const page = this.#pages.get(batch.seq) ?? { committed: 0, total: batch.pageBatches, through: batch.through };
    // A page diffed in several change sets learns its total from the batches of its last one.
    page.total = Math.min(page.total, batch.pageBatches);
    page.committed++;
    this.#pages.set(batch.seq, page);
    let moved = false;
    for (let p = this.#pages.get(this.#next); p && p.committed >= p.total; p = this.#pages.get(this.#next)) {
      this.#pages.delete(this.#next);
      this.#next++;
      // An empty (final) page completes without moving the key.
      if (p.through) {
        this.#key = p.through;
        moved = true;
      }
    }
    return moved;
  }
}


/**
 * A table's checkpoint as run state: where a resumed run starts (`resumedAfter`), saved as
 * pages commit — at most once a second, and only once something was written, so that a
 * re-sync that finds nothing to do writes nothing at all — and once more when a run stops
 * early. A completed run clears it: the next `resume` starts from the beginning.
 */
export class Checkpoints implements RunState {
  readonly stages = [];
  /** The checkpoint this run resumed after (rows up to it are not read), or null. */
  readonly resumedAfter: Key | null;
  readonly #store: TableValues | undefined;
  readonly #table: string;
  #savedAt = 0;
  #savedKey: Key | null;
  #saveError: unknown;

  private constructor(store: TableValues | undefined, table: string, resumedAfter: Key | null) {
    this.#store = store;
    this.#table = table;
    this.resumedAfter = resumedAfter;
    this.#savedKey = resumedAfter;
  }

  /**
   * `store`: where checkpoints are written (none: not kept, e.g. a dry run); `read`: where a
   * resumed run looks for one (the store itself, or a read-only view for a dry run).
   */
  static async open(options: { store: TableValues | undefined; read: TableValues; table: string; resume: boolean }): Promise<Checkpoints> {
    const { store, table, resume } = options;
    const after = resume ? await options.read.load(table) : null;
    // A run from the beginning must not leave an older run's checkpoint standing ahead of it.
    if (store && !resume) await store.clear(table);
    if (after) debug('%s: resuming after %j', table, after);
    return new Checkpoints(store, table, after);
  }

  committed(progress: Progress): void {
    if (Date.now() - this.#savedAt >= CHECKPOINT_INTERVAL_MS) this.#save(progress);
  }

  async end(run: RunEnd): Promise<void> {
    // The last checkpoint reached is saved, and writes already asked for land, before the run
    // reports, whether it failed or not.
    if (!run.finished) this.#save(run);
    await this.#store?.flush().catch((err) => (this.#saveError ??= err));
    if (this.#saveError) throw this.#saveError;
    if (run.finished) await this.#store?.clear(this.#table);
  }

  #save(progress: Progress): void {
    if (!this.#store || !progress.wrote || progress.key === this.#savedKey) return;
    this.#savedKey = progress.key;
    this.#savedAt = Date.now();
    this.#store.save(this.#table, progress.key!).catch((err) => (this.#saveError ??= err));
  }
}
