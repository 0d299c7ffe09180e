import { Writable, type Readable } from 'node:stream';
import type { Batch } from '../core/batch.js';
import type { RejectHandler, RejectedRow } from '../core/rejected-row.js';
import type { TypedWritable } from '../core/typed-streams.js';

/* How a table's streams (streams.ts) end and where rejects go: the small pieces around them. */

/**
 * Waits for streams to be torn down. pipeline() settles at the first error, while the others are
 * still closing: the source rolling back its snapshot, the sink finishing the batches in
 * flight. Closing their connections before that would fail the detach ("open transactions")
 * and cut the source's last read short, which it then reported as a lost connection.
 */
export function closed(...streams: Array<Readable | Writable>): Promise<unknown> {
  const all = Promise.all(streams.map((s) => (s.closed ? undefined : new Promise((resolve) => s.once('close', resolve)))));
  // Not forever: a read stuck on a connection that went silent never ends, and the connections
  // are let go after this anyway.
  let timer: NodeJS.Timeout | undefined;
  const enough = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
  return Promise.race([all, enough]).finally(() => clearTimeout(timer));
}

/** How long a failed run waits for its streams to close (the source's rollback has 10 s of its own). */
const CLOSE_WAIT_MS = 15_000;

/** The reject file and the caller's own handler, each told about every reject. */
export function bothHandlers(a: RejectHandler | undefined, b: RejectHandler | undefined): RejectHandler | undefined {
  if (!a || !b) return a ?? b;
  return async (reject: RejectedRow) => {
    await a(reject);
    await b(reject);
  };
}

export function discard(): TypedWritable<Batch> {
  return new Writable({ objectMode: true, write: (_chunk, _enc, cb) => cb() }) as TypedWritable<Batch>;
}
