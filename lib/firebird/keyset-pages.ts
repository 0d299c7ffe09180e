import { keyAfter, sameKey, type Predicate } from '../core/keyset.js';
import { keyKinds, keyOf, type Key, type Row, type TableSpec } from '../core/table.js';
import { within } from './connect.js';
import { Cursor } from './cursor.js';
import type { VersionList } from '../core/version-list.js';
import { rowConverter } from './convert.js';
import { firebirdKeyColumns, quoteFirebird } from './metadata.js';
import { RECORD_VERSION } from './probe.js';
import { FetchSize, FIRST_FETCH_ROWS, fetchRows } from './rows.js';
import { hasBlobs, selectList } from './select-list.js';
import { prepareOnce, type Session } from './session.js';

export interface KeysetPagesOptions {
  table: TableSpec;
  pageSize: number;
  /**
   * Bytes on the wire after which a page ends early, with fewer than `pageSize` rows (and is not
   * the final one): rows holding large BLOBs then come a few at a time. Default PAGE_BYTES.
   */
  pageBytes?: number;
  /** A condition every row must also meet (`sinceColumn`): pages then skip over the key space. */
  where?: Predicate;
  /** Read every row's record version with it (`RDB$RECORD_VERSION`), for the page's `versions`. */
  versions?: boolean;
  keyOrder: 'required' | 'tolerated';
}

/** What one keyset page yields, for the source to deliver. */
export interface KeysetPage {
  rows: Row[];
  final: boolean;
  versions?: VersionList;
  /** Keys came in an order other than code point order (tolerated by `keyOrder`). */
  unordered: boolean;
}

/**
 * The bytes a page may hold, 8 MiB: a page bounded by rows alone can hold hundreds of MB of
 * BLOBs, held by the source and again by the diff's read of the target, and a few pages are in
 * flight at once (read ahead, diffed, batched). 8 MiB keeps that small and is no slower than
 * more (docs/performance.md#measurements-behind-the-design). Rows of a table without BLOBs
 * rarely come near it.
 */
export const PAGE_BYTES = 8 * 1024 * 1024;

/** First fetch of a table with BLOB columns: one of large BLOBs is read whole before the size is learnt. */
const FIRST_BLOB_FETCH_ROWS = 16;

/**
 * Pages of a table read in full, for FirebirdSource, in key order from the last key delivered
 * (`WHERE key > last ORDER BY key`), so page n costs what page 1 does (there is no OFFSET to
 * skip over). A table without BLOB columns whose key order is required is read through one
 * open cursor, a page at a time (see Cursor): a page then costs no round trip of its own. The
 * others read each page with `SELECT FIRST n`. Two prepared statements serve every page, the
 * first page's (no lower bound) and the rest's.
 */
export class KeysetPages {
  readonly #table: TableSpec;
  readonly #pageSize: number;
  readonly #pageBytes: number;
  readonly #where?: Predicate;
  readonly #versions: boolean;
  readonly #keyOrder: 'required' | 'tolerated';
  readonly #columns: { sql: string; param: string }[];
  readonly #selectList: string;
  readonly #orderBy: string;
  /** Rows per fetch, learnt from the rows' width on the wire. */
  readonly #fetch: FetchSize;
  /** Whether pages are read through one open cursor. */
  readonly #streams: boolean;
  /** The open cursor, the session it is open on and the key it has read through. */
  #open: { session: Session; next: Key | null; cursor: Cursor } | undefined;

  constructor(options: KeysetPagesOptions) {
    this.#table = options.table;
    this.#pageSize = options.pageSize;
    this.#pageBytes = options.pageBytes ?? PAGE_BYTES;
    this.#fetch = new FetchSize(hasBlobs(options.table) ? FIRST_BLOB_FETCH_ROWS : FIRST_FETCH_ROWS);
    this.#where = options.where;
    this.#versions = options.versions ?? false;
    this.#keyOrder = options.keyOrder;
    this.#columns = firebirdKeyColumns(options.table);
    this.#selectList = selectList(options.table.columns);
    if (this.#versions) this.#selectList += `, ${RECORD_VERSION}`;
    this.#orderBy = this.#columns.map((c) => c.sql).join(', ');
    this.#streams = !hasBlobs(options.table) && options.keyOrder === 'required';
  }

  /** The page after key `after` (from the start when null), in the session's snapshot. */
  async read(session: Session, after: Key | null): Promise<KeysetPage> {
    return this.#streams ? this.#readOpen(session, after) : this.#readFirst(session, after);
  }

  /**
   * Waits (at most `ms`) for the fetches an open cursor still has on the wire and closes it:
   * committing or rolling back under a running fetch hangs the driver.
   */
  async settle(ms: number): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    if (open?.session.live) await within(open.cursor.close(), ms).catch(() => undefined);
  }

  /** Forgets the cursor of an attachment that was lost: no answer will come. */
  forget(): void {
    this.#open = undefined;
  }

  async #readOpen(session: Session, after: Key | null): Promise<KeysetPage> {
    let open = this.#open;
    if (!open || open.session !== session || !sameKey(keyKinds(this.#table), open.next, after)) {
      if (open?.session === session) await open.cursor.close();
      this.#open = undefined;
      const bound = after ? keyAfter(this.#columns, after) : undefined;
      const parts = [this.#where, bound].filter((p): p is Predicate => p !== undefined);
      const sql = this.#sql(parts.map((p) => p.sql).join(' AND ') || undefined, false);
      const statement = await prepareOnce(session, bound ? 'open-next' : 'open-first', sql);
      // One converter for the cursor: keys are checked in order across its pages.
      const convert = rowConverter(this.#table, { after, keyOrder: 'required' });
      const cursor = await Cursor.open(session.tx!, statement, parts.flatMap((p) => p.params), this.#fetch, convert);
      open = this.#open = { session, next: after, cursor };
    }
    const taken = await open.cursor.take(this.#pageSize, this.#pageBytes);
    const page = this.#page(taken.rows as Row[], !taken.cut && taken.rows.length < this.#pageSize, false);
    const last = page.rows[page.rows.length - 1];
    if (last) open.next = keyOf(this.#table, last);
    if (page.final) {
      this.#open = undefined;
      await open.cursor.close();
    }
    return page;
  }

  async #readFirst(session: Session, after: Key | null): Promise<KeysetPage> {
    const bound = after ? keyAfter(this.#columns, after) : undefined;
    const parts = [this.#where, bound].filter((p): p is Predicate => p !== undefined);
    const statement = await prepareOnce(session, bound ? 'next' : 'first', this.#sql(parts.map((p) => p.sql).join(' AND ') || undefined));
    // The key order is checked from the last key delivered on (see rowConverter).
    const convert = rowConverter(this.#table, { after, keyOrder: this.#keyOrder });
    const fetched = await fetchRows(session.tx!, statement, parts.flatMap((p) => p.params), { size: this.#fetch, each: convert, maxBytes: this.#pageBytes });
    return this.#page(fetched.rows as Row[], !fetched.cut && fetched.rows.length < this.#pageSize, convert.unordered === true);
  }

  #page(rows: Row[], final: boolean, unordered: boolean): KeysetPage {
    const noted = this.#versions ? rows.map((row) => String(row.pop())) : undefined;
    const versions = noted && { keys: rows.map((row) => keyOf(this.#table, row)), versions: noted };
    return { rows, final, versions, unordered };
  }

  /** A page's SELECT (or a cursor's, without FIRST): the first `pageSize` rows meeting `where`, in key order. */
  #sql(where: string | undefined, first = true): string {
    return `SELECT${first ? ` FIRST ${this.#pageSize}` : ''} ${this.#selectList} FROM ${quoteFirebird(this.#table.source)}${where ? ` WHERE ${where}` : ''} ORDER BY ${this.#orderBy}`;
  }
}
