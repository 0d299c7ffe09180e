import { flushable, many } from 'stream-chain/defs.js';
import type { Key, Row } from '../core/table.js';
import type { Value } from '../core/values.js';
import type { ChangeSet } from '../core/change-set.js';
import type { Batch } from '../core/batch.js';
import { rowBytes, valueBytes } from '../core/row-bytes.js';



export interface BatchOptions {
  /** Rows (or keys) per statement. */
  maxRows: number;
  /** Upper bound of a statement's estimated size in bytes; see `batchBytesFor`. */
  maxBytes: number;
  /**
   * The most `rowBytes` any row can come to (rowMaxBytes of the table's declared columns, when
   * nothing changes the values on the way). When `maxRows` such rows fit in `maxBytes` the byte
   * bound can never end a batch, so rows are not sized one by one (a part of a full load's CPU
   * on a table of short text), and a batch's `bytes` is this bound times its rows.
   */
  maxRowBytes?: number;
}

export const DEFAULT_BATCH_ROWS = 4000;

/**
 * The byte bound for statements sent to a server with the given max_allowed_packet. The
 * estimate counts a string's UTF-8 bytes once, and escaping can at most double them, so half
 * the packet (less room for the statement's own text) is always safe. Beyond a few MB larger
 * statements only cost memory.
 */
export function batchBytesFor(maxAllowedPacket: number): number {
  return Math.max(16 * 1024, Math.min(8 * 1024 * 1024, Math.floor((maxAllowedPacket - 64 * 1024) / 2)));
}

/** Splits each page's changes into batches bounded by rows and bytes. */
export class Batcher {
  readonly #options: BatchOptions;
  /** Batches made so far of a page whose change sets are not all in yet, by page seq. */
  readonly #earlier = new Map<number, number>();

  constructor(options: BatchOptions) {
    if (!(options.maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, not ${options.maxRows}`);
    if (!(options.maxBytes >= 1)) throw new RangeError(`maxBytes must be at least 1, not ${options.maxBytes}`);
    this.#options = options;
  }

  /** The batches of one page: its upserts, then its deletes, or one empty batch. */
  add(changes: ChangeSet): Batch[] {
    const parts: Array<{ kind: 'upsert' | 'delete'; items: Row[]; bytes: number }> = [
      ...this.#split('upsert', changes.upserts),
      ...this.#split('delete', changes.deletes),
    ];
    const earlier = this.#earlier.get(changes.seq) ?? 0;
    if (changes.more) {
      this.#earlier.set(changes.seq, earlier + parts.length);
    } else {
      this.#earlier.delete(changes.seq);
      // An empty batch when there is nothing (left) to write: the page's last change set always
      // makes a batch, which carries the page's total of batches.
      if (parts.length === 0) parts.push({ kind: 'upsert', items: [], bytes: 0 });
    }
    const pageBatches = changes.more ? Number.POSITIVE_INFINITY : earlier + parts.length;
    const page = { table: changes.table, seq: changes.seq, through: changes.through, pageBatches };
    const fresh = changes.counts.updated === 0;
    return parts.map(({ kind, items, bytes }) =>
      kind === 'upsert' ? { kind, rows: items, fresh, bytes, ...page } : { kind, keys: items, bytes, ...page },
    );
  }

  /** Nothing is held between pages; kept so the stage can flush like any other. */
  flush(): Batch[] {
    return [];
  }

  *#split(kind: 'upsert' | 'delete', items: readonly Row[]): Generator<{ kind: 'upsert' | 'delete'; items: Row[]; bytes: number }> {
    const { maxRows, maxBytes, maxRowBytes } = this.#options;
    if (maxRowBytes !== undefined && maxRowBytes * maxRows <= maxBytes) {
      for (let i = 0; i < items.length; i += maxRows) {
        const chunk = items.slice(i, i + maxRows);
        yield { kind, items: chunk, bytes: chunk.length * maxRowBytes };
      }
      return;
    }
    let current: Row[] = [];
    let bytes = 0;
    for (const item of items) {
      const size = rowBytes(item);
      if (current.length > 0 && (current.length >= this.#options.maxRows || bytes + size > this.#options.maxBytes)) {
        yield { kind, items: current, bytes };
        current = [];
        bytes = 0;
      }
      current.push(item);
      bytes += size;
    }
    if (current.length > 0) yield { kind, items: current, bytes };
  }
}

/** The batcher as a stream-chain stage: ChangeSets in, Batches out, partial batches flushed at the end. */
export function batchStage(options: BatchOptions) {
  const batcher = new Batcher(options);
  return flushable(
    (changes: ChangeSet) => many(batcher.add(changes)),
    () => many(batcher.flush()),
  );
}
