import type { Key, Row } from './table.js';

/*
 * What the diff hands on: the changes one source page asks of the target, and how it reads the
 * target. The contract between the diff stage, the batcher, the MySQL reader and the run's report.
 */

export interface Counts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export function zeroCounts(): Counts {
  return { read: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0 };
}

export function addCounts(into: Counts, more: Counts): Counts {
  into.read += more.read;
  into.inserted += more.inserted;
  into.updated += more.updated;
  into.unchanged += more.unchanged;
  into.deleted += more.deleted;
  return into;
}

/** What one source page asks of the target. */
export interface ChangeSet {
  table: string;
  /** The page's position in the run (Page.seq). */
  seq: number;
  /** Key of the page's last source row, null for an empty page. */
  through: Key | null;
  /** The page was the source's last (said by its last change set only, see `more`). */
  final: boolean;
  /**
   * More change sets of the same page follow. A page whose target range holds far more rows
   * than the page (rows deleted in Firebird by the million, an emptied source table) is diffed
   * in slices of the target, and the deletes found go on as they fill up, so that memory follows
   * the page size rather than the target; the last change set has the page's upserts and counts.
   */
  more?: true;
  /** Rows to insert or update, in key order. */
  upserts: Row[];
  /** Keys of target rows the source no longer has (only with `delete`). */
  deletes: Key[];
  counts: Counts;
}

/**
 * The slice of the target a page must be compared with: keys above `after` (exclusive) or from
 * `from` (inclusive), up to `through` (inclusive); a null bound is open.
 */
export interface TargetRange {
  after: Key | null;
  from: Key | null;
  through: Key | null;
  /** Only these keys (and the bounds, if any): for pages that hold a few scattered keys. */
  keys?: Key[];
}

/**
 * Reads the target rows of a key range, columns in TableSpec order, in key order; with `limit`,
 * only the first `limit` of them.
 */
export type TargetReader = (range: TargetRange, limit?: number) => Promise<Row[]>;

