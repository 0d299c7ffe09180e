import { open, type FileHandle } from 'node:fs/promises';
import { FbsyncError, describeCause } from '../core/errors.js';
import type { RejectedRow } from '../core/rejected-row.js';
import type { Value } from '../core/values.js';

/**
 * One reject as one line of JSON: `{"at", "table", "target", "key", "values", "error"}`.
 * Values keep fbsync's canonical forms (exact numbers and times as strings); a binary value,
 * which JSON cannot hold, becomes `{"base64": "…"}` — an object, so that it can never be
 * mistaken for a text value that happens to look like base64 or hex.
 */
export function rejectLine(reject: RejectedRow, at: Date = new Date()): string {
  const { table, target, key, values, error } = reject;
  return `${JSON.stringify({ at: at.toISOString(), table, target, key: jsonValues(key), values: jsonValues(values), error })}\n`;
}

function jsonValues(values: Record<string, Value>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(values)) out[name] = Buffer.isBuffer(v) ? { base64: v.toString('base64') } : v;
  return out;
}

/**
 * A JSON-lines file of rejected rows. It is created only when the first reject arrives — a
 * clean run leaves no empty file behind — and appended to, so that several tables, or several
 * runs, can share one. Lines are written one at a time, in the order rejects arrive, each in
 * full before the next, so parallel batches never interleave them.
 */
export class RejectFile {
  readonly path: string;
  #file: Promise<FileHandle> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #written = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Lines written so far. */
  get written(): number {
    return this.#written;
  }

  /** Appends one reject; resolves once the line is in the file (handed to the OS). */
  readonly write = (reject: RejectedRow): Promise<void> => {
    const line = rejectLine(reject);
    const done = this.#queue.then(async () => {
      const file = await this.#open();
      try {
        await file.appendFile(line, 'utf8');
      } catch (err) {
        throw this.#error(err);
      }
      this.#written++;
    });
    // A failed write fails its own caller; the queue itself goes on.
    this.#queue = done.catch(() => undefined);
    return done;
  };

  async close(): Promise<void> {
    await this.#queue;
    const file = this.#file;
    this.#file = undefined;
    await (await file?.catch(() => undefined))?.close().catch(() => undefined);
  }

  #open(): Promise<FileHandle> {
    // 0600: the file holds table data that the target refused, possibly personal data.
    this.#file ??= open(this.path, 'a', 0o600).catch((err: unknown) => {
      this.#file = undefined;
      throw this.#error(err);
    });
    return this.#file;
  }

  #error(err: unknown): FbsyncError {
    return new FbsyncError('REJECT_FILE', `cannot write the reject file ${this.path}: ${describeCause(err)}`, {
      hint: 'check that its directory exists and is writable, or name another file',
      cause: err,
    });
  }
}
