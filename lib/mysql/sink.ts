import type { flows } from '../core/typed-streams.js';
import { Readable, Writable } from 'node:stream';
import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import createDebug from 'debug';
import { batchError } from './batch-error.js';
import { FbsyncError, describeCause } from '../core/errors.js';
import { retryOptions } from '../util/retry.js';
import type { RejectHandler } from '../core/rejected-row.js';
import { keyOf, type Key, type Row, type TableSpec } from '../core/table.js';
import type { Batch } from '../core/batch.js';
import type { MysqlTarget } from './connect.js';
import { statementsFor, type Statements } from './dialect.js';
import { loadStatementFor, type LoadStatement } from './load.js';
import { isRowMysqlError, isTransientMysqlError } from './errors.js';
import { retryMysql, type MysqlRetryOptions } from './retry.js';
import { RejectLimit } from './reject-limit.js';
import { unfitValueCheck, type UnfitValueCheck } from './unfit-values.js';

const debug = createDebug('fbsync:sink');

export interface MysqlSinkOptions extends MysqlRetryOptions {
  target: MysqlTarget;
  table: TableSpec;
  /** Batches written at once, each on its own connection and in its own transaction. */
  parallel: number;
  /** Called after a batch committed (its rejected rows, if any, left out). */
  onCommit?: (batch: Batch) => void;
  /** Receives every row MySQL refuses for good (value too long, out of range, …). */
  onReject?: RejectHandler;
  /** Rejected rows allowed; one more fails the sink. Default 0: the first reject stops it. */
  maxErrors?: number;
  /** Where rejected rows are kept (a reject file's path), for the message that stops the run. */
  rejectsWhere?: string;
  /**
   * Write batches of rows new to the target with LOAD DATA LOCAL INFILE when the server allows
   * it (`local_infile`); see lib/mysql/load.ts. Default true.
   */
  loadData?: boolean;
  /**
   * With `table.softDelete`: the run's time, `YYYY-MM-DD hh:mm:ss`, set in that column instead
   * of deleting. Default: the time the sink was made.
   */
  softDeleteAt?: string;
}

export const DEFAULT_PARALLEL = 4;
export { DEFAULT_MAX_ERRORS } from './reject-limit.js';

/**
 * A Writable of batches that keeps up to `parallel` of them in flight. The write callback is
 * held back while all slots are busy, and the object-mode buffer holds one batch, so upstream
 * stages stop (backpressure) instead of piling rows up in memory: at most parallel + 1 batches
 * are ever held here.
 *
 * Each statement is retried on transient errors (deadlock, lock wait timeout, lost or killed
 * connection), every attempt its own transaction on a connection from the pool. An upsert
 * that MySQL refuses because of some row's value is split in halves, each written in its own
 * transaction, down to single rows: every good row is written, each bad one goes to
 * `onReject`, and once more than `maxErrors` rows were rejected the sink fails — after the
 * rest of that batch is written, so the target is as complete as the data allows.
 */
export class MysqlSink extends Writable {
  /** It takes batches (see core/typed-streams.ts). */
  declare readonly [flows]?: { in: Batch };

  readonly #target: MysqlTarget;
  readonly #table: TableSpec;
  readonly #parallel: number;
  readonly #statements: Statements;
  /** Set while batches of new rows go by LOAD DATA; cleared for good once it does not pay. */
  #load: LoadStatement | undefined;
  #loaded = 0;
  readonly #onCommit?: (batch: Batch) => void;
  readonly #rejects: RejectLimit;
  /** Set when some target column is narrower than its source (see ColumnSpec.maxChars, narrowCharset). */
  readonly #unfit: UnfitValueCheck | undefined;
  readonly #retry: MysqlRetryOptions;
  readonly #attempts: number;
  /** With a soft-delete column, what a delete sets it to. */
  readonly #softDeleteAt: string | undefined;
  /** Ends the backoff pauses of in-flight batches when the sink is torn down. */
  readonly #abort = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #waiting: ((err?: Error | null) => void) | undefined;
  #failed: Error | undefined;

  constructor(options: MysqlSinkOptions) {
    super({ objectMode: true, highWaterMark: 1 });
    if (!Number.isInteger(options.parallel) || options.parallel < 1) {
      throw new FbsyncError('OPTION', `\`parallel\` must be a positive integer, not ${options.parallel}`, { options: ['parallel'], value: options.parallel });
    }
    this.#rejects = new RejectLimit(options);
    try {
      this.#attempts = retryOptions(options.retry).attempts;
    } catch (err) {
      throw new FbsyncError('OPTION', describeCause(err), { options: ['retry'] });
    }
    this.#target = options.target;
    this.#table = options.table;
    this.#unfit = unfitValueCheck(options.table);
    this.#parallel = options.parallel;
    this.#statements = statementsFor(options.table, options.target.server);
    if ((options.loadData ?? true) && options.target.server.localInfile) this.#load = loadStatementFor(options.table, options.target.server.flavor === 'mariadb' ? 'raw' : 'hex');
    this.#onCommit = options.onCommit;
    this.#softDeleteAt = options.table.softDelete === undefined ? undefined : (options.softDeleteAt ?? localDateTime(new Date()));
    this.#retry = { retry: options.retry, onRetry: options.onRetry };
  }

  /** Batches currently being written. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Rows written by LOAD DATA so far (the rest went by INSERT). */
  get loaded(): number {
    return this.#loaded;
  }

  /** Rows MySQL refused so far. */
  get rejected(): number {
    return this.#rejects.count;
  }

  override _write(batch: Batch, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.#failed) return callback(this.#failed);
    // Past the reject limit no batch starts; the sink fails once those in flight are done.
    if (this.#rejects.exceeded) {
      this.#waiting = callback;
      if (this.#inFlight.size === 0) this.#settled();
      return;
    }
    const run = this.#run(batch).then(
      () => {
        this.#inFlight.delete(run);
        this.#onCommit?.(batch);
        this.#settled();
      },
      (err: Error) => {
        this.#inFlight.delete(run);
        this.#failed ??= err;
        this.#settled();
      },
    );
    this.#inFlight.add(run);
    if (this.#inFlight.size < this.#parallel) callback();
    else this.#waiting = callback;
  }

  /** After a batch: lets the next one in, or fails the sink. */
  #settled(): void {
    // Too many rejects fail the sink only when no batch is left in flight: failing earlier would
    // stop the batch that is still writing the good rows around its bad ones.
    const tooMany = this.#rejects.exceeded;
    if (tooMany && this.#inFlight.size === 0) this.#failed ??= tooMany;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (!this.#failed) waiting?.();
    else if (waiting) waiting(this.#failed);
    else this.destroy(this.#failed);
  }

  override _final(callback: (err?: Error | null) => void): void {
    Promise.all(this.#inFlight).then(() => callback(this.#failed ?? this.#rejects.exceeded ?? null), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // Batches pausing before a retry give up now; those already sent commit or roll back
    // before the pool is closed under them.
    this.#abort.abort();
    Promise.allSettled(this.#inFlight).then(() => callback(err ?? this.#failed ?? null));
  }

  async #run(batch: Batch): Promise<void> {
    const started = Date.now();
    const n = batch.kind === 'upsert' ? batch.rows.length : batch.keys.length;
    // A page with nothing to write still sends one empty batch, to mark the page as done.
    if (n === 0) return;
    if (batch.kind === 'delete') await this.#delete(batch.keys);
    else {
      const rows = this.#unfit ? await this.#refuseUnfit(batch.rows, this.#unfit) : batch.rows;
      if (rows.length === 0) return;
      if (batch.fresh && this.#load) await this.#insertFresh(rows, this.#load);
      else await this.#upsert(rows);
    }
    debug('%s: %s of %d rows (%d bytes) in %d ms', this.#table.target, batch.kind, n, batch.bytes, Date.now() - started);
  }

  /** Rejects the rows with a value their narrower column cannot hold (see unfit-values.ts); the rest go on. */
  async #refuseUnfit(rows: Row[], unfit: UnfitValueCheck): Promise<Row[]> {
    const fit: Row[] = [];
    for (const row of rows) {
      const err = unfit(row);
      if (err) await this.#rejects.reject(row, err);
      else fit.push(row);
    }
    return fit;
  }

  /** Upserts rows; on a row-level error, bisects down to the rows at fault and rejects them. */
  async #upsert(rows: Row[]): Promise<void> {
    try {
      await this.#statement('upsert', rows);
      return;
    } catch (err) {
      if (!isRowMysqlError(err)) throw this.#batchError('upsert', rows.map((r) => keyOf(this.#table, r)), err);
      if (rows.length === 1) return this.#rejects.reject(rows[0]!, err);
      debug('%s: %d rows refused (%s); splitting them', this.#table.target, rows.length, describeCause(err));
    }
    // One half after the other, so a batch never holds more than its one connection.
    const half = Math.ceil(rows.length / 2);
    await this.#upsert(rows.slice(0, half));
    await this.#upsert(rows.slice(half));
  }

  /** Rows new to the target: by LOAD DATA when it takes them all, else by the upsert. */
  async #insertFresh(rows: Row[], load: LoadStatement): Promise<void> {
    const lines = load.lines(rows);
    if (lines && (await this.#loadLines(rows, lines, load))) {
      this.#loaded += rows.length;
      return;
    }
    const rejectedBefore = this.#rejects.count;
    await this.#upsert(rows);
    // Warnings the INSERT found nothing wrong behind (a key another writer added meanwhile, a
    // value LOAD DATA rounds with a note) would cost every later batch two writes.
    if (lines && this.#rejects.count === rejectedBefore && this.#load) {
      debug('%s: LOAD DATA warned where INSERT did not; INSERT from now on', this.#table.target);
      this.#load = undefined;
    }
  }

  /**
   * One LOAD DATA in its own transaction, retried like a statement. False when the server warned
   * (a value it would cut or refuse, a duplicate key it skipped): the load was rolled back.
   */
  async #loadLines(rows: Row[], lines: Buffer, load: LoadStatement): Promise<boolean> {
    try {
      return await this.#inTransaction('upsert', async (conn) => {
        const [result] = await conn.query<ResultSetHeader>({ sql: load.sql, infileStreamFactory: () => Readable.from([lines]) });
        if (result.warningStatus > 0 && debug.enabled) {
          const [warnings] = await conn.query<RowDataPacket[]>('SHOW WARNINGS LIMIT 3');
          debug('%s: LOAD DATA of %d rows gave %d warnings (%j); rolled back, writing them by INSERT', this.#table.target, rows.length, result.warningStatus, warnings);
        }
        return result.warningStatus === 0;
      });
    } catch (err) {
      // A transient error was retried already, as often as an INSERT would be.
      if (isTransientMysqlError(err)) throw this.#batchError('upsert', rows.map((r) => keyOf(this.#table, r)), err);
      debug('%s: LOAD DATA failed (%s); INSERT from now on', this.#table.target, describeCause(err));
      this.#load = undefined;
      return false;
    }
  }

  /**
   * Deletes keys. A delete MySQL refuses (a foreign key still pointing at the row) fails the
   * batch: there is no source row to reject, and deleting the others would be a half-done job.
   */
  async #delete(keys: Key[]): Promise<void> {
    try {
      await this.#statement('delete', keys);
    } catch (err) {
      throw this.#batchError('delete', keys, err);
    }
  }

  /** One statement, autocommitted: InnoDB writes it whole or not at all, as a transaction of its own. */
  async #statement(kind: 'upsert' | 'delete', values: Row[] | Key[]): Promise<void> {
    const sql = kind === 'upsert' ? this.#statements.upsert : this.#statements.delete;
    const params = kind === 'delete' && this.#softDeleteAt !== undefined ? [this.#softDeleteAt, values] : [values];
    await this.#retried(kind, (conn) => conn.query(sql, params));
  }

  /** `attempt` on a pooled connection, retried on transient errors. */
  #retried<T>(kind: 'upsert' | 'delete', attempt: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const what = { table: this.#table.target, operation: kind, flavor: this.#target.server.flavor };
    return retryMysql(() => this.#target.withConnection(attempt), what, { ...this.#retry, signal: this.#abort.signal });
  }

  /** `work` in a transaction, committed when it returns true, else rolled back; retried as a whole. */
  #inTransaction(kind: 'upsert' | 'delete', work: (conn: PoolConnection) => Promise<boolean>): Promise<boolean> {
    return this.#retried(kind, async (conn) => {
      await conn.beginTransaction();
      try {
        const keep = await work(conn);
        await (keep ? conn.commit() : conn.rollback());
        return keep;
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        throw err;
      }
    });
  }

  #batchError(kind: 'upsert' | 'delete', keys: Key[], err: unknown): FbsyncError {
    return batchError(kind, keys, err, { table: this.#table, database: this.#target.server.database, attempts: this.#attempts });
  }
}

/** Local wall-clock time as a DATETIME literal, without a zone: `2025-03-01 02:00:00`. */
export function localDateTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

export function mysqlSink(options: MysqlSinkOptions): MysqlSink {
  return new MysqlSink(options);
}
