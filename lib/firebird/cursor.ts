import type Firebird from 'node-firebird';
import { outOfStepError } from './errors.js';
import { bytesRead, FETCHES_IN_FLIGHT, type FetchResult, type FetchSize } from './rows.js';

/**
 * An open cursor read a page at a time, FETCHES_IN_FLIGHT fetches kept on the wire from one
 * page to the next: a page then waits for no round trip of its own, where a statement a page
 * waits for its execute and for its first reply. Rows are converted by `each` as soon as their
 * fetch comes in, not when a page takes them: the driver's values point into the socket's
 * chunks, which would otherwise stay alive while the source waits to be read. For statements without BLOB columns (whose BLOBs are read between fetches, and
 * which fetchRows reads one reply at a time).
 */
export class Cursor {
  readonly #tx: Firebird.Transaction;
  readonly #statement: Firebird.Statement;
  readonly #size: FetchSize;
  readonly #each: (rows: unknown[][]) => unknown;
  /** Fetches on the wire, each converted once it is in. */
  readonly #ahead: Promise<FetchResult>[] = [];
  /** The last of them: each is converted after the one before it, keys being checked in order. */
  #last: Promise<unknown> = Promise.resolve();
  /** Rows fetched and converted, not taken yet. */
  #rows: unknown[][] = [];
  /** Whether the server said the cursor is at its end (the fetches still on the wire get nothing). */
  #ended = false;
  readonly #start: number | undefined;
  #received = 0;

  private constructor(tx: Firebird.Transaction, statement: Firebird.Statement, size: FetchSize, each: (rows: unknown[][]) => unknown) {
    this.#tx = tx;
    this.#statement = statement;
    this.#size = size;
    this.#each = each;
    this.#start = bytesRead(statement);
  }

  /** Executes `statement` and sends its first fetches with it. */
  static async open(tx: Firebird.Transaction, statement: Firebird.Statement, params: unknown[], size: FetchSize, each: (rows: unknown[][]) => unknown): Promise<Cursor> {
    const cursor = new Cursor(tx, statement, size, each);
    // Not awaited before the fetches go: the driver pairs answers with requests in order.
    const executed = statement.executeAsync(tx, params);
    executed.catch(() => undefined);
    cursor.#fill();
    await executed;
    return cursor;
  }

  /**
   * The next `count` rows, fewer at the cursor's end (`ended`) or when those taken reach
   * `maxBytes` on the wire (`cut`).
   */
  async take(count: number, maxBytes: number): Promise<{ rows: unknown[][]; ended: boolean; cut: boolean }> {
    const rows: unknown[][] = [];
    let cut = false;
    for (;;) {
      if (this.#rows.length > 0) {
        const part = this.#rows.length <= count - rows.length ? this.#rows : this.#rows.splice(0, count - rows.length);
        if (part === this.#rows) this.#rows = [];
        for (const row of part) rows.push(row);
      }
      if (rows.length >= count || this.#ended) break;
      if (rows.length * this.#width() >= maxBytes) {
        cut = true;
        break;
      }
      await this.#next();
    }
    return { rows, ended: this.#ended && this.#rows.length === 0, cut };
  }

  /** Waits for the fetches still on the wire and closes the cursor: its statement can run again. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#ahead.splice(0));
    this.#ended = true;
    await this.#statement.closeAsync();
  }

  async #next(): Promise<void> {
    this.#fill();
    const chunk = await this.#ahead.shift()!;
    // Only the server's end-of-cursor ends it: an empty answer otherwise is out of step (see fetchRows).
    if (chunk.fetched) this.#ended = true;
    else if (!chunk.data?.length) throw outOfStepError();
    else this.#fill();
    const data = chunk.data ?? [];
    if (data.length === 0) return;
    this.#rows = this.#rows.length === 0 ? data : this.#rows.concat(data);
    this.#received += data.length;
    // The bytes read so far can hold replies not decoded yet: a width a little on the wide side.
    if (this.#start !== undefined) this.#size.measured(this.#received, this.#bytes());
  }

  #fill(): void {
    while (!this.#ended && this.#ahead.length < FETCHES_IN_FLIGHT) {
      const fetch = this.#statement.fetchAsync(this.#tx, this.#size.rows) as Promise<FetchResult>;
      const converted = Promise.all([this.#last, fetch]).then(async ([, chunk]) => {
        if (chunk.data?.length) await this.#each(chunk.data);
        return chunk;
      });
      converted.catch(() => undefined);
      this.#ahead.push(converted);
      this.#last = converted;
    }
  }

  #bytes(): number {
    return this.#start === undefined ? 0 : (bytesRead(this.#statement) ?? this.#start) - this.#start;
  }

  /** Bytes a row takes on the wire, as read so far. */
  #width(): number {
    return this.#received > 0 ? this.#bytes() / this.#received : 0;
  }
}
