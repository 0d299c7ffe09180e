import { Readable } from 'node:stream';
import Firebird from 'node-firebird';
import createDebug from 'debug';
import { FbsyncError, describeCause } from '../errors.js';
import { compareKeys, keyAfter } from '../keyset.js';
import { describeKey, keyKinds, keyOf, type Key, type Row, type TableSpec } from '../table.js';
import type { FirebirdDatabase } from './connect.js';
import { quoteFirebird } from './metadata.js';

const debug = createDebug('fbsync:source');

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
}

export interface FirebirdSourceOptions {
  db: FirebirdDatabase;
  table: TableSpec;
  /** Rows per keyset page. */
  pageSize: number;
  /** Pages read ahead while later stages work (object-mode highWaterMark). Default 2. */
  readAhead?: number;
  /** Start after this key instead of at the beginning (resuming from a checkpoint). */
  after?: Key | null;
  /**
   * Stop early: the page being read is still delivered, then the stream ends without a final
   * page, so nothing downstream mistakes the unread rest of the table for deleted rows.
   */
  signal?: AbortSignal;
}

export const DEFAULT_PAGE_SIZE = 10_000;

/** Rows asked for per wire fetch; the server caps a fetch by its buffer size anyway. */
const FETCH_ROWS = 400;

interface FetchResult {
  data?: unknown[][];
  fetched?: boolean;
  /** Readers of the page's text BLOBs, which the driver leaves to the caller on this path. */
  arrBlob?: Array<(tx: Firebird.Transaction) => Promise<{ row: number; column: number | string; value: unknown }>>;
}

/**
 * A Readable of keyset pages over one table. Every page is read inside one read-only snapshot
 * transaction, so the whole copy is one point-in-time image however long it takes, and the
 * source is never written. Pages follow the primary key (`WHERE key > last ORDER BY key`), so
 * reading page n costs the same as page 1: there is no OFFSET to skip over.
 */
export class FirebirdSource extends Readable {
  readonly #db: FirebirdDatabase;
  readonly #table: TableSpec;
  readonly #pageSize: number;
  readonly #columns: { sql: string; param: string }[];
  readonly #names: readonly string[];
  readonly #selectList: string;
  readonly #orderBy: string;
  #after: Key | null;
  #tx: Firebird.Transaction | undefined;
  readonly #statements = new Map<'first' | 'next', Firebird.Statement>();
  #reading = false;
  /** The page read under way: teardown waits for it, since rolling back under a running fetch hangs the driver. */
  #pending: Promise<unknown> = Promise.resolve();
  #done = false;
  #seq = 0;
  readonly #signal?: AbortSignal;

  constructor(options: FirebirdSourceOptions) {
    super({ objectMode: true, highWaterMark: options.readAhead ?? 2 });
    if (!Number.isInteger(options.pageSize) || options.pageSize < 1) {
      throw new FbsyncError('OPTION', `page size must be a positive integer, not ${options.pageSize}`);
    }
    this.#db = options.db;
    this.#table = options.table;
    this.#pageSize = options.pageSize;
    this.#after = options.after ?? null;
    this.#signal = options.signal;
    this.#columns = options.table.key.map((i) => ({ sql: quoteFirebird(options.table.columns[i]!.source), param: options.table.columns[i]!.firebird.param ?? '?' }));
    this.#names = options.table.columns.map((c) => c.source);
    this.#selectList = options.table.columns.map((c) => c.firebird.select).join(', ');
    this.#orderBy = this.#columns.map((c) => c.sql).join(', ');
  }

  override _read(): void {
    if (this.#reading || this.#done) return;
    if (this.#signal?.aborted) return this.#stop();
    this.#reading = true;
    const next = this.#nextPage();
    this.#pending = next.catch(() => undefined);
    next.then(
      (page) => {
        this.#reading = false;
        if (this.destroyed) return;
        // Pushed only now that #reading is clear, so the _read that push() may trigger is served.
        this.push(page);
        if (page.final) this.push(null);
        else if (this.#signal?.aborted) this.#stop();
      },
      (err) => this.destroy(err instanceof FbsyncError ? err : this.#readError(err)),
    );
  }

  async #nextPage(): Promise<Page> {
    if (!this.#tx) {
      this.#tx = await this.#db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
      debug('%s: snapshot transaction started', this.#table.source);
    }
    const tx = this.#tx;
    const where = this.#after ? keyAfter(this.#columns, this.#after) : undefined;
    const statement = await this.#prepare(where ? 'next' : 'first', where?.sql);
    await statement.executeAsync(tx, where?.params ?? []);
    const raw: unknown[][] = [];
    // Fetching through the statement keeps the driver from walking each row through a callback
    // chain (its fetchAll does), which is most of the cost of a page.
    for (;;) {
      const chunk = (await statement.fetchAsync(tx, FETCH_ROWS)) as FetchResult;
      const offset = raw.length;
      for (const row of chunk.data ?? []) raw.push(row);
      for (const readText of chunk.arrBlob ?? []) {
        const blob = await readText(tx);
        raw[offset + blob.row]![blob.column as number] = blob.value;
      }
      if (chunk.fetched || !chunk.data?.length) break;
    }
    await statement.closeAsync();
    const rows = await this.#convert(raw);
    const final = rows.length < this.#pageSize;
    const page: Page = { table: this.#table.source, seq: this.#seq++, columns: this.#names, rows, after: this.#after, final };
    if (rows.length > 0) this.#after = keyOf(this.#table, rows[rows.length - 1]!);
    debug('%s: page of %d rows%s', this.#table.source, rows.length, final ? ' (final)' : '');
    if (final) {
      this.#done = true;
      await this.#endTransaction('commit');
    }
    return page;
  }

  #stop(): void {
    if (this.#done) return;
    this.#done = true;
    debug('%s: stopped after %d pages', this.#table.source, this.#seq);
    this.#endTransaction('rollback').then(() => this.push(null));
  }

  /** The two statements of a scan (first page, and every page after a key), prepared once. */
  async #prepare(which: 'first' | 'next', where: string | undefined): Promise<Firebird.Statement> {
    const cached = this.#statements.get(which);
    if (cached) return cached;
    const sql =
      `SELECT FIRST ${this.#pageSize} ${this.#selectList} FROM ${quoteFirebird(this.#table.source)}` +
      `${where ? ` WHERE ${where}` : ''} ORDER BY ${this.#orderBy}`;
    const statement = await this.#tx!.newStatementAsync(sql);
    this.#statements.set(which, statement);
    return statement;
  }

  async #convert(raw: unknown[][]): Promise<Row[]> {
    const cols = this.#table.columns;
    const kinds = keyKinds(this.#table);
    let previous = this.#after;
    for (const row of raw) {
      for (let i = 0; i < cols.length; i++) {
        const read = cols[i]!.firebird;
        const v = row[i];
        if (v === undefined) row[i] = null;
        else if (read.padded && typeof v === 'string') row[i] = trimPadding(v);
        else if (read.blob && typeof v === 'function') row[i] = await readBlob(v as BlobFetch);
      }
      const key = keyOf(this.#table, row as Row);
      // The diff stage trusts that keys arrive strictly ascending in the order it compares them
      // in; a collation that disagrees would make it delete rows that exist, so stop instead.
      if (previous && compareKeys(kinds, previous, key) >= 0) {
        throw new FbsyncError(
          'KEY_ORDER',
          `Firebird returned ${describeKey(this.#table, key)} after ${describeKey(this.#table, previous)}: the primary key's collation does not order by code point`,
          { hint: 'sync this table without --delete, or give its key a binary collation' },
        );
      }
      previous = key;
    }
    return raw as Row[];
  }

  #readError(err: unknown): FbsyncError {
    return new FbsyncError('SOURCE_READ', `reading Firebird table ${this.#table.source} failed: ${describeCause(err)}`, { cause: err });
  }

  async #endTransaction(how: 'commit' | 'rollback'): Promise<void> {
    const tx = this.#tx;
    this.#tx = undefined;
    const statements = [...this.#statements.values()];
    this.#statements.clear();
    for (const statement of statements) await statement.dropAsync().catch(() => undefined);
    if (!tx) return;
    try {
      await (how === 'commit' ? tx.commitAsync() : tx.rollbackAsync());
    } catch (err) {
      debug('%s: %s failed: %s', this.#table.source, how, describeCause(err));
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#done = true;
    this.#pending.then(() => this.#endTransaction('rollback')).then(() => callback(err), callback);
  }
}

export function firebirdSource(options: FirebirdSourceOptions): FirebirdSource {
  return new FirebirdSource(options);
}

/** CHAR(n) arrives padded with blanks to n characters; the padding is not part of the value. */
function trimPadding(v: string): string {
  let end = v.length;
  while (end > 0 && v.charCodeAt(end - 1) === 32) end--;
  return end === v.length ? v : v.slice(0, end);
}

type BlobFetch = (cb: (err: unknown, name: string, emitter: NodeJS.EventEmitter) => void) => void;

function readBlob(fetch: BlobFetch): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    fetch((err, _name, emitter) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      emitter.on('data', (c: Buffer) => chunks.push(c));
      emitter.on('end', () => resolve(Buffer.concat(chunks)));
      emitter.on('error', reject);
    });
  });
}
