import createDebug from 'debug';
import { FbsyncError } from '../core/errors.js';
import { compareKeys, keyAfter, keyOneOf, keyThrough } from '../core/keyset.js';
import { keyKinds, keyOf, type Key, type Row, type TableSpec } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import { rowConverter, type RowConverter } from './convert.js';
import { firebirdKeyColumns, quoteFirebird } from './metadata.js';
import { KEYS_PER_READ, keyChunks } from './picked-pages.js';
import { RowBudget } from './row-budget.js';
import { FetchSize, FIRST_FETCH_ROWS, fetchAll } from './rows.js';
import { hasBlobs, selectList } from './select-list.js';
import { prepareOnce, type Session } from './session.js';

const debug = createDebug('fbsync:source');

/**
 * How many key values a listed key's span may hold at most for a page to be read as one range
 * (see ListedPages #dense). A look-up by key costs about what reading three rows of a range does
 * (on the 1,000,000-row TB_ESTOQUE: ~31,000 keys/s by key, ~100,000 rows/s by range), so a
 * span of twice the keys is still faster, and bounds what a page holds to twice its keys.
 */
const DENSE_SPAN = 2;

/** Keys to read, in any order: an array, a generator, a stream of keys (see SyncOptions.keys). */
export type KeyList = Iterable<Key> | AsyncIterable<Key>;

/** One page of listed keys, read: the rows the source has, and the listed keys it has not. */
export interface ListedPage {
  rows: Row[];
  /** Listed keys the source does not have, in key order. */
  gone: Key[];
  /** No key is listed after this page's. */
  final: boolean;
  /** Keys of the page (after removing repeats). */
  listed: number;
}

/**
 * Pages of a table read by a list of keys rather than by key range: the list is taken in the
 * order given, `pageSize` keys at a time (fewer for rows with large BLOBs, see RowBudget), so
 * memory follows the page size, not the list. Each page's keys are sorted and repeats within
 * it dropped; the rows are read by key, 200 keys a statement (`IN (…)`, or OR-ed equalities for
 * a composite key: see keyOneOf), in the source's snapshot, as PickedPages reads picked rows —
 * or, for a page of whole-number keys dense enough, as the one range they span (see #dense).
 * Either way only rows whose key is listed, exactly, are kept.
 *
 * A page is read again, same keys, when its read failed (a lost connection): it is let go only
 * once `delivered`.
 */
export class ListedPages {
  readonly #table: TableSpec;
  readonly #kinds: readonly ValueKind[];
  readonly #pageSize: number;
  readonly #keys: AsyncIterator<Key> | Iterator<Key>;
  readonly #columns: { sql: string; param: string }[];
  readonly #sql: (where: string) => string;
  readonly #convert: RowConverter;
  readonly #budget: RowBudget;
  readonly #fetch = new FetchSize(FIRST_FETCH_ROWS);
  readonly #rangeFetch = new FetchSize(FIRST_FETCH_ROWS);
  /** Whether a page of keys dense enough may be read as one key range (see #dense). */
  readonly #ranges: boolean;
  /** The page under way: its keys, sorted, until delivered. */
  #current: { keys: Key[]; final: boolean } | undefined;
  /** The key pulled to learn whether the list goes on, for the next page. */
  #carry: Key | undefined;
  #ended = false;

  constructor(options: { table: TableSpec; pageSize: number; pageBytes?: number; keys: KeyList }) {
    const { table } = options;
    this.#table = table;
    this.#kinds = keyKinds(table);
    this.#pageSize = options.pageSize;
    const keys = options.keys as Partial<AsyncIterable<Key> & Iterable<Key>>;
    const iterator = keys[Symbol.asyncIterator]?.() ?? keys[Symbol.iterator]?.();
    if (!iterator) throw new FbsyncError('OPTION', '`keys` must be an iterable (an array, a generator, a stream) of keys', { options: ['keys'] });
    this.#keys = iterator;
    this.#columns = firebirdKeyColumns(table);
    const list = selectList(table.columns);
    // Read unordered: ORDER BY would make Firebird walk the whole key index instead of looking the keys up.
    this.#sql = (where) => `SELECT ${list} FROM ${quoteFirebird(table.source)} WHERE ${where}`;
    this.#convert = rowConverter(table, { after: null, keyOrder: 'unchecked' });
    this.#budget = new RowBudget(table, options.pageBytes);
    const kind = this.#kinds.length === 1 ? this.#kinds[0] : undefined;
    this.#ranges = (kind === 'integer' || kind === 'bigint') && !hasBlobs(table);
  }

  /** The rows of the next page of keys, read in the transaction of `session`. */
  async read(session: Session): Promise<ListedPage> {
    const page = (this.#current ??= await this.#nextKeys());
    const rows = this.#dense(page.keys) ? await this.#readRange(session, page.keys) : await this.#readByKey(session, page.keys);
    this.#budget.measured(rows);
    const { found, gone } = this.#match(page.keys, rows);
    return { rows: found, gone, final: page.final, listed: page.keys.length };
  }

  async #readByKey(session: Session, keys: readonly Key[]): Promise<Row[]> {
    const rows: Row[] = [];
    for (const chunk of keys.length > 0 ? keyChunks(keys) : []) {
      const byKey = keyOneOf(this.#columns, chunk);
      const statement = await prepareOnce(session, 'by-key', this.#sql(byKey.sql));
      for (const row of await fetchAll(session.tx!, statement, byKey.params, this.#fetch, this.#convert)) rows.push(row as Row);
    }
    return rows;
  }

  /** Every row from the page's first key through its last, in one range scan; #match keeps the listed ones. */
  async #readRange(session: Session, keys: readonly Key[]): Promise<Row[]> {
    const from = keyAfter(this.#columns, keys[0]!, true);
    const through = keyThrough(this.#columns, keys[keys.length - 1]!);
    debug('%s: %d listed keys read as the range they span', this.#table.source, keys.length);
    const statement = await prepareOnce(session, 'listed-range', this.#sql(`${from.sql} AND ${through.sql}`));
    return (await fetchAll(session.tx!, statement, [...from.params, ...through.params], this.#rangeFetch, this.#convert)) as Row[];
  }

  /**
   * Whether the page's keys are better read as the range they span: a whole-number key (no
   * BLOBs) whose span holds at most DENSE_SPAN values a key listed. A range scan reads a row
   * some 3 times faster than a look-up by key, and the span bounds the rows read (and held) to
   * DENSE_SPAN × the page's keys, whatever the table.
   */
  #dense(keys: readonly Key[]): boolean {
    if (!this.#ranges || keys.length < KEYS_PER_READ) return false;
    const span = BigInt(String(keys[keys.length - 1]![0])) - BigInt(String(keys[0]![0])) + 1n;
    return span <= BigInt(keys.length * DENSE_SPAN);
  }

  /** The page last read was handed on: the next read takes the next keys. */
  delivered(): void {
    this.#current = undefined;
  }

  /** The listed keys the rows have (a case-insensitive Firebird key may answer another spelling: left out), and those they lack. */
  #match(keys: readonly Key[], rows: Row[]): { found: Row[]; gone: Key[] } {
    const kinds = this.#kinds;
    const keyed = rows.map((row) => ({ row, key: keyOf(this.#table, row) })).sort((a, b) => compareKeys(kinds, a.key, b.key));
    const found: Row[] = [];
    const gone: Key[] = [];
    let r = 0;
    for (const key of keys) {
      while (r < keyed.length && compareKeys(kinds, keyed[r]!.key, key) < 0) r++;
      if (r < keyed.length && compareKeys(kinds, keyed[r]!.key, key) === 0) found.push(keyed[r++]!.row);
      else gone.push(key);
    }
    return { found, gone };
  }

  /** The next keys of the list, sorted, repeats dropped; `final` when none follow. */
  async #nextKeys(): Promise<{ keys: Key[]; final: boolean }> {
    const size = Math.max(1, Math.min(this.#pageSize, this.#budget.rows));
    const keys: Key[] = [];
    if (this.#carry) keys.push(this.#carry);
    this.#carry = undefined;
    while (!this.#ended && keys.length <= size) {
      const next = await this.#keys.next();
      if (next.done) this.#ended = true;
      else keys.push(this.#checked(next.value));
    }
    // One key past the page says whether the list goes on; it starts the next page.
    if (keys.length > size) this.#carry = keys.pop();
    const kinds = this.#kinds;
    keys.sort((a, b) => compareKeys(kinds, a, b));
    const unique = keys.filter((key, i) => i === 0 || compareKeys(kinds, keys[i - 1]!, key) !== 0);
    return { keys: unique, final: this.#carry === undefined };
  }

  #checked(key: unknown): Key {
    const width = this.#kinds.length;
    const ok = Array.isArray(key) && key.length === width && key.every((v) => v !== null && v !== undefined);
    if (!ok) {
      throw new FbsyncError('OPTION', `\`keys\` of ${this.#table.source} must be arrays of ${width} key value${width > 1 ? 's' : ''} (in key order, as fbsync reads them), not ${describe(key)}`, {
        options: ['keys'],
      });
    }
    return key as Key;
  }
}

function describe(key: unknown): string {
  try {
    return JSON.stringify(key) ?? String(key);
  } catch {
    return String(key);
  }
}
