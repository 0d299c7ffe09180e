import type mysql from 'mysql2/promise';
import createDebug from 'debug';
import { FbsyncError, describeCause } from './errors.js';
import type { MysqlTarget } from './mysql/connect.js';
import { quoteMysql } from './mysql/metadata.js';
import { bookkeepingError, retryBookkeeping, type MysqlRetryOptions } from './mysql/retry.js';
import type { Batch } from './stages/batch.js';
import type { Key } from './table.js';

const debug = createDebug('fbsync:checkpoint');

/**
 * Follows batch commits and says how far the target is complete. Batches commit out of order
 * (several are in flight), so the checkpoint is a low-water mark: the last key of the last page
 * such that it and every page before it are fully committed. It is never ahead of a batch that
 * has not committed, so resuming after it cannot skip a row.
 */
export class CheckpointTracker {
  #next = 0;
  readonly #pages = new Map<number, { committed: number; total: number; through: Key | null }>();
  #key: Key | null;

  /** `start`: the key the run resumed after (null for a run from the beginning). */
  constructor(start: Key | null = null) {
    this.#key = start;
  }

  /** The current checkpoint: every source key up to it is in the target. */
  get key(): Key | null {
    return this.#key;
  }

  /** How many pages, counted from the run's first, are wholly committed. */
  get pagesDone(): number {
    return this.#next;
  }

  /** Records a committed batch; returns true when the checkpoint moved. */
  committed(batch: Pick<Batch, 'seq' | 'through' | 'pageBatches'>): boolean {
    const page = this.#pages.get(batch.seq) ?? { committed: 0, total: batch.pageBatches, through: batch.through };
    // A page diffed in several change sets learns its total from the batches of its last one.
    page.total = Math.min(page.total, batch.pageBatches);
    page.committed++;
    this.#pages.set(batch.seq, page);
    let moved = false;
    for (let p = this.#pages.get(this.#next); p && p.committed >= p.total; p = this.#pages.get(this.#next)) {
      this.#pages.delete(this.#next);
      this.#next++;
      // An empty (final) page completes without moving the key.
      if (p.through) {
        this.#key = p.through;
        moved = true;
      }
    }
    return moved;
  }
}

function isAccessDenied(err: unknown): boolean {
  const errno = (err as { errno?: number } | undefined)?.errno;
  // ER_TABLEACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR
  return errno === 1142 || errno === 1044 || errno === 1227;
}

/** Binary key parts survive the JSON round trip as {"$hex": "…"}. */
export function encodeKeyParts(key: Key): unknown[] {
  return key.map((v) => (Buffer.isBuffer(v) ? { $hex: v.toString('hex') } : v));
}

function encodeKey(key: Key): string {
  return JSON.stringify(encodeKeyParts(key));
}

/** A key from encodeKey's text, or from encodeKeyParts's array already parsed. */
export function decodeKey(encoded: string | unknown[]): Key {
  const parts = typeof encoded === 'string' ? (JSON.parse(encoded) as unknown[]) : encoded;
  return parts.map((v) =>
    v && typeof v === 'object' && '$hex' in v ? Buffer.from(String((v as { $hex: string }).$hex), 'hex') : (v as Key[number]),
  );
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
