import type { Batch } from '../core/batch.js';
import type { Key } from '../core/table.js';

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

