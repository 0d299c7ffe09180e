import { flushable, many } from 'stream-chain/defs.js';
import type { Key, Row } from '../table.js';
import type { Value } from '../values.js';
import type { ChangeSet } from './diff.js';

/** One statement's worth of work for the sink. */
export type Batch =
  | { kind: 'upsert'; table: string; rows: Row[]; bytes: number }
  | { kind: 'delete'; table: string; keys: Key[]; bytes: number };

export interface BatchOptions {
  /** Rows (or keys) per statement. */
  maxRows: number;
  /** Upper bound of a statement's estimated size in bytes; see `batchBytesFor`. */
  maxBytes: number;
}

export const DEFAULT_BATCH_ROWS = 1000;

/**
 * The byte bound for statements sent to a server with the given max_allowed_packet. The
 * estimate counts a string's UTF-8 bytes once, and escaping can at most double them, so half
 * the packet (less room for the statement's own text) is always safe. Beyond a few MB larger
 * statements only cost memory.
 */
export function batchBytesFor(maxAllowedPacket: number): number {
  return Math.max(16 * 1024, Math.min(8 * 1024 * 1024, Math.floor((maxAllowedPacket - 64 * 1024) / 2)));
}

/** Estimated bytes of a value in SQL text: quotes, commas and hex included, escapes not. */
export function valueBytes(v: Value): number {
  if (v === null) return 5;
  if (typeof v === 'string') return v.length < 64 && isAsciiShort(v) ? v.length + 3 : Buffer.byteLength(v) + 3;
  if (typeof v === 'number') return 24;
  if (typeof v === 'boolean') return 6;
  return v.length * 2 + 4;
}

function isAsciiShort(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function rowBytes(row: readonly Value[]): number {
  let n = 4;
  for (const v of row) n += valueBytes(v);
  return n;
}

/** Accumulates rows and keys into batches bounded by rows and bytes. */
export class Batcher {
  readonly #options: BatchOptions;
  #table = '';
  #rows: Row[] = [];
  #rowBytes = 0;
  #keys: Key[] = [];
  #keyBytes = 0;

  constructor(options: BatchOptions) {
    if (!(options.maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, not ${options.maxRows}`);
    if (!(options.maxBytes >= 1)) throw new RangeError(`maxBytes must be at least 1, not ${options.maxBytes}`);
    this.#options = options;
  }

  /** Adds a page's changes; returns the batches that became full. */
  add(changes: ChangeSet): Batch[] {
    this.#table = changes.table;
    const out: Batch[] = [];
    for (const row of changes.upserts) {
      const bytes = rowBytes(row);
      if (this.#rows.length > 0 && (this.#rows.length >= this.#options.maxRows || this.#rowBytes + bytes > this.#options.maxBytes)) {
        out.push(this.#takeRows());
      }
      this.#rows.push(row);
      this.#rowBytes += bytes;
    }
    for (const key of changes.deletes) {
      const bytes = rowBytes(key);
      if (this.#keys.length > 0 && (this.#keys.length >= this.#options.maxRows || this.#keyBytes + bytes > this.#options.maxBytes)) {
        out.push(this.#takeKeys());
      }
      this.#keys.push(key);
      this.#keyBytes += bytes;
    }
    return out;
  }

  /** The partial batches left at the end of the stream. */
  flush(): Batch[] {
    const out: Batch[] = [];
    if (this.#rows.length > 0) out.push(this.#takeRows());
    if (this.#keys.length > 0) out.push(this.#takeKeys());
    return out;
  }

  #takeRows(): Batch {
    const batch: Batch = { kind: 'upsert', table: this.#table, rows: this.#rows, bytes: this.#rowBytes };
    this.#rows = [];
    this.#rowBytes = 0;
    return batch;
  }

  #takeKeys(): Batch {
    const batch: Batch = { kind: 'delete', table: this.#table, keys: this.#keys, bytes: this.#keyBytes };
    this.#keys = [];
    this.#keyBytes = 0;
    return batch;
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
