import { compareKeys } from '../core/keyset.js';
import { rowBytes } from '../core/row-bytes.js';
import type { Key, Row, TableSpec } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import type { VersionList } from '../core/version-list.js';
import { PAGE_BYTES } from './keyset-pages.js';
import { hasBlobs } from './select-list.js';

/** Rows read in full by the first page of a table with BLOB columns, before any row's width is known. */
const FIRST_BLOB_PAGE_ROWS = 16;

/**
 * How many rows a page picked by record version may read in full, so that pages of a table
 * with BLOBs stay near pageBytes (a first run reads every row, 10,000 rows of 262 KB photos a
 * probe): sized by the width the rows of the last page had. Tables without BLOB columns are
 * never held back.
 */
export class RowBudget {
  readonly #pageBytes?: number;
  /** Bytes of a row read in full, as the last page's rows had them. */
  #rowBytes: number | undefined;

  constructor(table: TableSpec, pageBytes = PAGE_BYTES) {
    if (hasBlobs(table)) this.#pageBytes = pageBytes;
  }

  /** Rows the next page may read in full. */
  get rows(): number {
    if (this.#pageBytes === undefined) return Infinity;
    return this.#rowBytes === undefined ? FIRST_BLOB_PAGE_ROWS : Math.max(1, Math.floor(this.#pageBytes / this.#rowBytes));
  }

  /** After a page read these rows. */
  measured(rows: readonly Row[]): void {
    if (this.#pageBytes !== undefined && rows.length > 0) this.#rowBytes = rows.reduce((n, row) => n + rowBytes(row), 0) / rows.length;
  }
}

/**
 * How many of `list`'s keys a page keeps so that it reads at most `fit` rows in full, given
 * which it would read (`changed`, or all of them when `whole`); undefined when all fit.
 */
export function keysWithin(kinds: readonly ValueKind[], list: VersionList, read: { changed: Key[]; whole?: boolean }, fit: number): number | undefined {
  const count = read.whole ? list.keys.length : read.changed.length;
  if (count <= fit) return undefined;
  return read.whole ? fit : indexOf(kinds, list, read.changed[fit - 1]!) + 1;
}

export function sliceVersions(list: VersionList, start: number, end?: number): VersionList {
  return { keys: list.keys.slice(start, end), versions: list.versions.slice(start, end) };
}

/** `a`'s keys, then `b`'s. */
export function joinVersions(a: VersionList, b: VersionList): VersionList {
  return { keys: [...a.keys, ...b.keys], versions: [...a.versions, ...b.versions] };
}

/** Where `key` is in `list` (which holds it). */
function indexOf(kinds: readonly ValueKind[], list: VersionList, key: Key): number {
  let lo = 0;
  let hi = list.keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(kinds, list.keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
