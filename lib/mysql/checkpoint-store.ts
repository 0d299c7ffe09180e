import type mysql from 'mysql2/promise';
import createDebug from 'debug';
import { FbsyncError, describeCause } from '../core/errors.js';
import type { MysqlTarget } from './connect.js';
import { quoteMysql } from './metadata.js';
import { bookkeepingError, retryBookkeeping, type MysqlRetryOptions } from './retry.js';
import type { Key } from '../core/table.js';
import { decodeKey, encodeKey } from '../core/key-json.js';

const debug = createDebug('fbsync:checkpoint');

function isAccessDenied(err: unknown): boolean {
  const errno = (err as { errno?: number } | undefined)?.errno;
  // ER_TABLEACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR
  return errno === 1142 || errno === 1044 || errno === 1227;
}

export const CHECKPOINT_TABLE = 'fbsync_checkpoints';

/**
 * Checkpoints live in the target database, next to the data they describe, in one small table:
 * a checkpoint commits on the same server as the batches it vouches for.
 */
export class CheckpointStore {
  readonly #target: MysqlTarget;
  readonly #table: string;
  readonly #name: string;
  readonly #retry: MysqlRetryOptions;
  #ready: Promise<void> | undefined;
  #writing: Promise<void> = Promise.resolve();

  /** `retry`: attempts and backoff for transient errors, and who is told of each retry. */
  constructor(target: MysqlTarget, table = CHECKPOINT_TABLE, retry: MysqlRetryOptions = {}) {
    this.#target = target;
    this.#table = quoteMysql(table);
    this.#name = table;
    this.#retry = retry;
  }

  /**
   * A store whose table exists. A MySQL user without CREATE on the target database still gets
   * its sync, without checkpoints (traced under fbsync:checkpoint), unless a resume needs them.
   */
  static async open(target: MysqlTarget, options: { required: boolean; table?: string; retry?: MysqlRetryOptions }): Promise<CheckpointStore | undefined> {
    const store = new CheckpointStore(target, options.table, options.retry);
    try {
      await store.#ensure();
      return store;
    } catch (err) {
      if (options.required || !isAccessDenied((err as { cause?: unknown }).cause)) throw err;
      debug('no checkpoints for this run: %s', (err as Error).message);
      return undefined;
    }
  }

  #ensure(): Promise<void> {
    this.#ready ??= this.#target.pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${this.#table} (
           table_name VARCHAR(255) NOT NULL PRIMARY KEY,
           after_key TEXT NOT NULL,
           updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
         ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
      )
      .then(
        () => undefined,
        (err) => {
          throw new FbsyncError('CHECKPOINT', `cannot create the table ${this.#target.server.database}.${this.#name}: ${describeCause(err)}`, {
            hint: 'grant the MySQL user CREATE on the target database, or create the table once by hand',
            cause: err,
          });
        },
      );
    return this.#ready;
  }

  /** The key a previous run of `table` got to, or null. */
  async load(table: string): Promise<Key | null> {
    try {
      const [rows] = await this.#query(() => this.#target.pool.query<mysql.RowDataPacket[]>(`SELECT after_key FROM ${this.#table} WHERE table_name = ?`, [table]), 'read');
      return rows[0] ? decodeKey(String(rows[0].after_key)) : null;
    } catch (err) {
      // No table yet: no run ever left a checkpoint here. Reading must not create it (dry runs).
      if ((err as { errno?: number }).errno === 1146) return null;
      throw this.#error('reading', err);
    }
  }

  /** Saves checkpoints one at a time, in order, so a slow write is never overtaken by an older one. */
  save(table: string, key: Key): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      await this.#ensure();
      await this.#query(
        () =>
          this.#target.pool.query(
            `INSERT INTO ${this.#table} (table_name, after_key) VALUES (?, ?) ON DUPLICATE KEY UPDATE after_key = VALUES(after_key)`,
            [table, encodeKey(key)],
          ),
        'upsert',
        'writing to',
      );
      debug('%s: checkpoint after %s', table, encodeKey(key));
    });
    return this.#writing;
  }

  /** Forgets the checkpoint of a table whose run completed (or restarts from the beginning). */
  clear(table: string): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      await this.#ensure();
      await this.#query(() => this.#target.pool.query(`DELETE FROM ${this.#table} WHERE table_name = ?`, [table]), 'delete', 'deleting from');
    });
    return this.#writing;
  }

  /** A statement on the store's table, retried; with `doing`, a lasting error names the table. */
  #query<T>(fn: () => Promise<T>, operation: 'read' | 'upsert' | 'delete', doing?: string): Promise<T> {
    const { database, flavor } = this.#target.server;
    return retryBookkeeping(fn, { code: 'CHECKPOINT', database, table: this.#name, operation, flavor }, this.#retry, doing);
  }

  #error(doing: string, err: unknown): FbsyncError {
    return bookkeepingError('CHECKPOINT', doing, `${this.#target.server.database}.${this.#name}`, err, this.#retry);
  }

  /** Waits for the writes already asked for. */
  flush(): Promise<void> {
    return this.#writing;
  }
}
