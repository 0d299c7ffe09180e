import type Firebird from 'node-firebird';
import { driverPatchStatus } from './driver-patch.js';
import { outOfStepError } from './errors.js';

/**
 * Rows as node-firebird hands them over: fetched through a prepared statement, CHAR padding and
 * BLOBs still as the driver leaves them. The source builds its pages (and probes) from these.
 */

/** Bytes a fetch reply is sized to, by whether the driver carries fbsync's patch; see FetchSize. */
export const REPLY_BYTES = { unpatched: 56 * 1024, patched: 224 * 1024 } as const;

/** Patched, the driver waits for the rest of a fetch reply instead of decoding it again with every piece. */
export const DEFAULT_REPLY_BYTES = driverPatchStatus().patched ? REPLY_BYTES.patched : REPLY_BYTES.unpatched;

/**
 * How many rows to ask for per wire fetch, sized in bytes from the width the rows of the last
 * fetch had on the wire.
 *
 * Unpatched, node-firebird decodes a fetch reply as its pieces arrive (node reads a socket at
 * most 64 KiB at a time), each time from the reply's start: a reply past 64 KiB is decoded about
 * twice over. So replies stay a little under 64 KiB.
 *
 * With fbsync's driver patch no reply is decoded twice, and a fetch's size no longer changes
 * node's CPU; what it still changes is how often node and Firebird hand the work to each other:
 * replies of about 224 KiB make a full load a little faster than 56 KiB ones, and larger ones
 * gain nothing more (docs/performance.md#measurements-behind-the-design).
 */
export class FetchSize {
  static readonly MAX_ROWS = 4000;
  readonly #replyBytes: number;
  #rows: number;

  constructor(firstRows: number, replyBytes: number = DEFAULT_REPLY_BYTES) {
    this.#rows = firstRows;
    this.#replyBytes = replyBytes;
  }

  get rows(): number {
    return this.#rows;
  }

  /** After a fetch of `rows` rows whose reply took `bytes` bytes. */
  measured(rows: number, bytes: number): void {
    // A short last fetch, or bytes that could not be counted, say nothing of the row width
    // (a full fetch of fewer than 16 rows does: rows that wide are asked for a few at a time).
    if (rows < Math.min(16, this.#rows) || !(bytes > 0)) return;
    this.#rows = Math.max(1, Math.min(FetchSize.MAX_ROWS, Math.floor((this.#replyBytes * rows) / bytes)));
  }
}

/** Rows of the first fetch of a statement whose row width is not known yet. */
export const FIRST_FETCH_ROWS = 200;

/** Bytes read so far on the statement's connection, if the driver lets them be counted. */
export function bytesRead(statement: Firebird.Statement): number | undefined {
  return (statement as unknown as { connection?: { _socket?: { bytesRead?: unknown } } }).connection?._socket?.bytesRead as number | undefined;
}

export interface FetchResult {
  data?: unknown[][];
  fetched?: boolean;
  /** Readers of the page's text BLOBs, which the driver leaves to the caller on this path. */
  arrBlob?: Array<(tx: Firebird.Transaction) => Promise<{ row: number; column: number | string; value: unknown }>>;
}

/**
 * Runs a prepared statement and fetches all its rows, text BLOBs read; `size` learns the row
 * width. `each` sees every fetched chunk of rows, BLOBs in place, before the next is asked for.
 */
export async function fetchAll(
  tx: Firebird.Transaction,
  statement: Firebird.Statement,
  params: unknown[],
  size = new FetchSize(FIRST_FETCH_ROWS),
  each?: (rows: unknown[][]) => unknown,
): Promise<unknown[][]> {
  return (await fetchRows(tx, statement, params, { size, each })).rows;
}

export interface FetchRowsOptions {
  size?: FetchSize;
  each?: (rows: unknown[][]) => unknown;
  /**
   * Stop fetching once the rows took this many bytes on the wire, BLOBs read through their own
   * round trips included; the rows fetched so far are returned with `cut` set.
   */
  maxBytes?: number;
  /** Fetches asked for before the first answer comes back; default FETCHES_IN_FLIGHT. */
  inFlight?: number;
}

/**
 * Fetches on the wire at once, for a statement without BLOB columns. Firebird answers the
 * requests of a connection in order, so the next fetches can leave before the answer to the
 * first is in: over a link of 20 ms a round trip, one fetch at a time waits that long for each
 * of a page's dozen replies. Four keep about 900 KiB on the way, what a 20 ms link carries at
 * the rate a full load reads on one machine (docs/performance.md#over-a-slow-firebird-link).
 */
export const FETCHES_IN_FLIGHT = 4;

/** SQL_BLOB: a statement that reads BLOBs fetches one reply at a time (see fetchRows). */
const SQL_BLOB = 520;

function readsBlobs(statement: Firebird.Statement): boolean {
  const output = (statement as unknown as { output?: { type: number }[] }).output ?? [];
  return output.some((column) => column.type === SQL_BLOB);
}

/**
 * fetchAll, that can stop short of the statement's end at `maxBytes`.
 *
 * The execute and the first fetches are sent together, and every answer is followed at once
 * by the next fetch, so `inFlight` fetches are always on the way: a page costs about one round
 * trip instead of one per reply. A fetch sent past the cursor's end gets an empty answer that
 * no one reads (the driver still pairs it with its request). Statements that read BLOBs fetch
 * one reply at a time: their BLOBs are read between fetches, and the rows of the next fetch are
 * sized by the BLOBs just read.
 */
export async function fetchRows(
  tx: Firebird.Transaction,
  statement: Firebird.Statement,
  params: unknown[],
  options: FetchRowsOptions = {},
): Promise<{ rows: unknown[][]; cut: boolean }> {
  const { size = new FetchSize(FIRST_FETCH_ROWS), each, maxBytes } = options;
  const depth = readsBlobs(statement) ? 1 : Math.max(1, options.inFlight ?? FETCHES_IN_FLIGHT);
  const start = bytesRead(statement);
  // Neither the execute nor a fetch is awaited before the next is sent: the driver writes each
  // at once and pairs the answers with them in order. Every promise is marked handled here, as
  // the answers after an error (a lost connection fails them all) are never read.
  const executed = statement.executeAsync(tx, params);
  executed.catch(() => undefined);
  const ahead: Promise<FetchResult>[] = [];
  const send = () => {
    const fetch = statement.fetchAsync(tx, size.rows) as Promise<FetchResult>;
    fetch.catch(() => undefined);
    ahead.push(fetch);
  };
  for (let i = 0; i < depth; i++) send();
  await executed;
  const raw: unknown[][] = [];
  let bytes = 0;
  let cut = false;
  // Fetching through the statement keeps the driver from walking each row through a callback
  // chain (its fetchAll does), which is most of the cost of a page.
  for (;;) {
    const before = bytesRead(statement);
    const chunk = await ahead.shift()!;
    // Only the server's end-of-cursor ends a page. The driver answers a fetch whose reply got
    // out of step (a killed attachment) with no rows at all; taken for the end, that would
    // make a short page look like the end of the table, and `delete` would act on it.
    if (!chunk.fetched && !chunk.data?.length) throw outOfStepError();
    if (depth > 1 && !chunk.fetched) send();
    const offset = raw.length;
    for (const row of chunk.data ?? []) raw.push(row);
    for (const readText of chunk.arrBlob ?? []) {
      const blob = await readText(tx);
      raw[offset + blob.row]![blob.column as number] = blob.value;
    }
    if (each && chunk.data) await each(chunk.data);
    if (depth > 1) {
      // The bytes read so far can hold replies not decoded yet: they bound the page's bytes
      // from above, and the row width is learnt once the statement is done.
      if (start !== undefined) bytes = (bytesRead(statement) ?? start) - start;
    } else if (before !== undefined) {
      // Measured after the BLOBs were read (here or by `each`), so that rows holding large ones
      // are fetched a few at a time.
      const took = (bytesRead(statement) ?? before) - before;
      size.measured(chunk.data?.length ?? 0, took);
      bytes += took;
    }
    if (chunk.fetched) break;
    if (maxBytes !== undefined && bytes >= maxBytes) {
      cut = true;
      break;
    }
    if (depth === 1) send();
  }
  if (depth > 1 && start !== undefined) size.measured(raw.length, bytes);
  await statement.closeAsync();
  return { rows: raw, cut };
}

export type BlobFetch = (cb: (err: unknown, name: string, emitter: NodeJS.EventEmitter) => void) => void;

/** A binary BLOB, which the driver hands over as a function to fetch it inside the transaction. */
export function readBlob(fetch: BlobFetch): Promise<Buffer> {
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
