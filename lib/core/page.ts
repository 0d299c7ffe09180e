import type { Key, Row } from './table.js';
import type { VersionList } from './version-list.js';

/*
 * What the source hands the stages after it: pages of rows, and what a version pick answers.
 * The contract between lib/firebird/source.ts and the diff, the versions tracker and custom
 * stages, kept apart from how the source reads.
 */

/**
 * One keyset page of source rows. The page covers the key range (`after`, key of its last row];
 * the `final` page covers everything above `after`, which is how the diff stage knows it may
 * delete target rows past the last source key.
 */
export interface Page {
  table: string;
  /** Position of the page in this run, from 0: lets later stages track which pages are done. */
  seq: number;
  /** Source column names, in row order (the same array on every page). */
  columns: readonly string[];
  rows: Row[];
  /** Exclusive lower bound: the last key of the previous page, null on the first page. */
  after: Key | null;
  final: boolean;
  /**
   * With `versions`: the key and record version of every source row in the page's range, in
   * key order. When rows were picked by version, `rows` holds only the ones read in full.
   */
  versions?: VersionList;
  /** With a version pick: keys the last run copied in this range that the source no longer has. */
  gone?: Key[];
  /**
   * Firebird's order of the keys is not code point order (a case-insensitive collation, say),
   * which the source lets pass only where nothing depends on it (see FirebirdSourceOptions
   * `keyOrder`): the page's target rows must then be looked up by its keys, not its key range.
   */
  unordered?: true;
}

/**
 * Given the keys and record versions of a page's rows (`final`: the page reaches past the last
 * key), says which rows to read in full and which keys noted before are gone — or, with
 * `whole`, that every row is to be read and the page diffed by its key range, as without
 * versions (when far more keys were noted there than the page holds: too many to name).
 */
export type VersionPick = (probe: VersionList, after: Key | null, final: boolean) => Promise<{ changed: Key[]; gone: Key[]; whole?: boolean }>;
