import { Writable } from 'node:stream';
import createDebug from 'debug';
import { FbsyncError, describeCause } from '../errors.js';
import { describeKey, keyOf, type TableSpec } from '../table.js';
import type { Batch } from '../stages/batch.js';
import type { MysqlTarget } from './connect.js';
import { statementsFor, type Statements } from './dialect.js';

const debug = createDebug('fbsync:sink');

export interface MysqlSinkOptions {
  target: MysqlTarget;
  table: TableSpec;
  /** Batches written at once, each on its own connection and in its own transaction. */
  parallel: number;
  /** Called after a batch committed. */
  onCommit?: (batch: Batch) => void;
}

export const DEFAULT_PARALLEL = 4;

/**
 * A Writable of batches that keeps up to `parallel` of them in flight. The write callback is
 * held back while all slots are busy, and the object-mode buffer holds one batch, so upstream
 * stages stop (backpressure) instead of piling rows up in memory: at most parallel + 1 batches
 * are ever held here.
 */
export class MysqlSink extends Writable {
  readonly #target: MysqlTarget;
  readonly #table: TableSpec;
  readonly #parallel: number;
  readonly #statements: Statements;
  readonly #onCommit?: (batch: Batch) => void;
  readonly #inFlight = new Set<Promise<void>>();
  #waiting: ((err?: Error | null) => void) | undefined;
  #failed: Error | undefined;

  constructor(options: MysqlSinkOptions) {
    super({ objectMode: true, highWaterMark: 1 });
    if (!Number.isInteger(options.parallel) || options.parallel < 1) {
      throw new FbsyncError('OPTION', `parallel must be a positive integer, not ${options.parallel}`);
    }
    this.#target = options.target;
    this.#table = options.table;
    this.#parallel = options.parallel;
    this.#statements = statementsFor(options.table, options.target.server);
    this.#onCommit = options.onCommit;
  }

  /** Batches currently being written. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  override _write(batch: Batch, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.#failed) return callback(this.#failed);
    const run = this.#run(batch).then(
      () => {
        this.#inFlight.delete(run);
        this.#onCommit?.(batch);
        const waiting = this.#waiting;
        this.#waiting = undefined;
        waiting?.();
      },
      (err: Error) => {
        this.#inFlight.delete(run);
        this.#failed ??= err;
        const waiting = this.#waiting;
        this.#waiting = undefined;
        if (waiting) waiting(err);
        else this.destroy(err);
      },
    );
    this.#inFlight.add(run);
    if (this.#inFlight.size < this.#parallel) callback();
    else this.#waiting = callback;
  }

  override _final(callback: (err?: Error | null) => void): void {
    Promise.all(this.#inFlight).then(() => callback(this.#failed ?? null), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // Let the batches already sent commit or roll back before the pool is closed under them.
    Promise.allSettled(this.#inFlight).then(() => callback(err ?? this.#failed ?? null));
  }

  async #run(batch: Batch): Promise<void> {
    const started = Date.now();
    const sql = batch.kind === 'upsert' ? this.#statements.upsert : this.#statements.delete;
    const values = batch.kind === 'upsert' ? batch.rows : batch.keys;
    // A page with nothing to write still sends one empty batch, to mark the page as done.
    if (values.length === 0) return;
    try {
      await this.#target.withConnection(async (conn) => {
        await conn.beginTransaction();
        try {
          await conn.query(sql, [values]);
          await conn.commit();
        } catch (err) {
          await conn.rollback().catch(() => undefined);
          throw err;
        }
      });
    } catch (err) {
      throw this.#batchError(batch, err);
    }
    debug('%s: %s of %d rows (%d bytes) in %d ms', this.#table.target, batch.kind, values.length, batch.bytes, Date.now() - started);
  }

  #batchError(batch: Batch, err: unknown): FbsyncError {
    const first = batch.kind === 'upsert' ? keyOf(this.#table, batch.rows[0]!) : batch.keys[0]!;
    const last = batch.kind === 'upsert' ? keyOf(this.#table, batch.rows[batch.rows.length - 1]!) : batch.keys[batch.keys.length - 1]!;
    const n = batch.kind === 'upsert' ? batch.rows.length : batch.keys.length;
    const what = batch.kind === 'upsert' ? `writing ${n} rows` : `deleting ${n} rows`;
    return new FbsyncError(
      'TARGET_WRITE',
      `${what} (${describeKey(this.#table, first)} … ${describeKey(this.#table, last)}) to MySQL table ${this.#target.server.database}.${this.#table.target} failed: ${describeCause(err)}`,
      { hint: 'that batch was rolled back; batches committed before it stay', cause: err },
    );
  }
}

export function mysqlSink(options: MysqlSinkOptions): MysqlSink {
  return new MysqlSink(options);
}
