import type Firebird from 'node-firebird';
import { outOfStepError } from './errors.js';

/**
 * Rows as node-firebird hands them over: fetched through a prepared statement, CHAR padding and
 * BLOBs still as the driver leaves them. The source builds its pages (and probes) from these.
 */

/** Rows asked for per wire fetch; the server caps a fetch by its buffer size anyway. */
export const FETCH_ROWS = 400;

interface FetchResult {
  data?: unknown[][];
  fetched?: boolean;
  /** Readers of the page's text BLOBs, which the driver leaves to the caller on this path. */
  arrBlob?: Array<(tx: Firebird.Transaction) => Promise<{ row: number; column: number | string; value: unknown }>>;
}

/** Runs a prepared statement and fetches all its rows, text BLOBs read. */
export async function fetchAll(tx: Firebird.Transaction, statement: Firebird.Statement, params: unknown[], fetchRows = FETCH_ROWS): Promise<unknown[][]> {
  await statement.executeAsync(tx, params);
  const raw: unknown[][] = [];
  // Fetching through the statement keeps the driver from walking each row through a callback
  // chain (its fetchAll does), which is most of the cost of a page.
  for (;;) {
    const chunk = (await statement.fetchAsync(tx, fetchRows)) as FetchResult;
    // Only the server's end-of-cursor ends a page. The driver answers a fetch whose reply got
    // out of step (a killed attachment) with no rows at all; taken for the end, that would
    // make a short page look like the end of the table, and --delete would act on it.
    if (!chunk.fetched && !chunk.data?.length) throw outOfStepError();
    const offset = raw.length;
    for (const row of chunk.data ?? []) raw.push(row);
    for (const readText of chunk.arrBlob ?? []) {
      const blob = await readText(tx);
      raw[offset + blob.row]![blob.column as number] = blob.value;
    }
    if (chunk.fetched) break;
  }
  await statement.closeAsync();
  return raw;
}

/** CHAR(n) arrives padded with blanks to n characters; the padding is not part of the value. */
export function trimPadding(v: string): string {
  let end = v.length;
  while (end > 0 && v.charCodeAt(end - 1) === 32) end--;
  return end === v.length ? v : v.slice(0, end);
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
