import createDebug from 'debug';
import { FbsyncError, describeCause } from '../core/errors.js';
import { retryOptions, withRetry, type RetryOptions } from '../util/retry.js';
import type { Flavor } from './session.js';
import { isTransientMysqlError, mysqlErrorInfo, type MysqlErrorInfo } from './errors.js';

const debug = createDebug('fbsync:mysql');

/** One retry of a MySQL statement, as the sink and the reader announce it. */
export interface MysqlRetryEvent {
  database: 'mysql';
  /** MySQL table. */
  table: string;
  /** What was being done: upserting rows, deleting keys, reading a key range for the diff. */
  operation: 'upsert' | 'delete' | 'read';
  /** The attempt that failed (1-based), and how many there may be in all. */
  attempt: number;
  attempts: number;
  /** The pause before the next attempt. */
  delayMs: number;
  error: MysqlErrorInfo;
}

/** What the sink and the reader accept about retrying. */
export interface MysqlRetryOptions {
  /** Attempts and backoff for transient errors (deadlocks, lost connections); see DEFAULT_RETRY. */
  retry?: RetryOptions;
  /** Told about every retry, e.g. to log it. */
  onRetry?: (event: MysqlRetryEvent) => void;
}

/**
 * Runs one MySQL operation, retrying it on transient errors. Only operations that are safe to
 * repeat belong here: fbsync's upserts and deletes are idempotent, so even a COMMIT whose
 * outcome was lost with the connection can simply be run again.
 */
export function retryMysql<T>(
  fn: () => Promise<T>,
  what: { table: string; operation: MysqlRetryEvent['operation']; flavor: Flavor },
  options: MysqlRetryOptions & { signal?: AbortSignal },
): Promise<T> {
  const { attempts } = retryOptions(options.retry);
  return withRetry(fn, {
    ...options.retry,
    isTransient: isTransientMysqlError,
    signal: options.signal,
    onRetry: (err, attempt, delayMs) => {
      const error = mysqlErrorInfo(err, what.flavor);
      debug('%s %s: attempt %d of %d failed (%s); again in %d ms', what.operation, what.table, attempt, attempts, error.message, delayMs);
      options.onRetry?.({ database: 'mysql', table: what.table, operation: what.operation, attempt, attempts, delayMs, error });
    },
  });
}

/**
 * The error of one of fbsync's own bookkeeping statements (checkpoints, record-version notes),
 * retried with `options`, that failed for good: it names the table and what was being done,
 * where the driver's message names neither.
 */
export function bookkeepingError(code: 'CHECKPOINT' | 'VERSIONS', doing: string, table: string, err: unknown, options: MysqlRetryOptions = {}): FbsyncError {
  if (err instanceof FbsyncError) return err;
  if (!isTransientMysqlError(err)) {
    return new FbsyncError(code, `${doing} ${table} failed: ${describeCause(err)}`, {
      hint: 'fbsync keeps its own bookkeeping there: check that the MySQL user may read and write that table, and that it is still as fbsync created it',
      cause: err,
    });
  }
  return new FbsyncError(code, `${doing} ${table} failed ${retryOptions(options.retry).attempts} times: ${describeCause(err)}`, {
    hint: 'the server kept failing with an error that usually passes (a lost connection, a deadlock, or a lock wait timeout: another session holding locks on that table); what was written so far stays; run again once it has passed',
    cause: err,
  });
}

/**
 * One of fbsync's own bookkeeping statements (checkpoints, watermarks, record-version notes),
 * all idempotent, so a lost or killed connection is simply retried. With `doing`, an error that
 * stays is one naming the table (see bookkeepingError); without, it is thrown as it came.
 */
export async function retryBookkeeping<T>(
  fn: () => Promise<T>,
  what: { code: 'CHECKPOINT' | 'VERSIONS'; database: string; table: string; operation: MysqlRetryEvent['operation']; flavor: Flavor },
  options: MysqlRetryOptions,
  doing?: string,
): Promise<T> {
  try {
    return await retryMysql(fn, what, options);
  } catch (err) {
    throw doing ? bookkeepingError(what.code, doing, `${what.database}.${what.table}`, err, options) : err;
  }
}
