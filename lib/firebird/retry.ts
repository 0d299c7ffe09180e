import createDebug from 'debug';
import { retryOptions, withRetry, type RetryOptions } from '../util/retry.js';
import { firebirdErrorInfo, isLostFirebirdConnection, type FirebirdErrorInfo } from './errors.js';

const debug = createDebug('fbsync:firebird');

/** One Firebird read done again after its connection was lost. */
export interface FirebirdRetryEvent {
  database: 'firebird';
  /** Firebird table. */
  table: string;
  operation: 'read';
  /** The attempt that failed (1-based), and how many there may be in all. */
  attempt: number;
  attempts: number;
  /** The pause before the next attempt. */
  delayMs: number;
  error: FirebirdErrorInfo;
}

export interface AgainIfLostOptions {
  /** Attempts and backoff; see DEFAULT_RETRY. */
  retry?: RetryOptions;
  /** Told about every retry, e.g. to log it. */
  onRetry?: (event: FirebirdRetryEvent) => void;
  /** Ends a pause before a retry (the abort reason is thrown). */
  signal?: AbortSignal;
  /** Told at once when the connection is found lost, before the pause: to stop using it. */
  onLost?: (err: unknown) => void;
}

/**
 * Runs Firebird reads that may simply be done again (the catalog, a table's definition, a page):
 * when the connection is lost, `reattach` replaces it (letting the dead one go) and `work` runs
 * again, with the same patience as MySQL retries. `table` names what the retry events are about.
 */
export async function againIfLost<T>(work: () => Promise<T>, reattach: () => Promise<void>, table: string, options: AgainIfLostOptions): Promise<T> {
  const { attempts } = retryOptions(options.retry);
  let lost = false;
  return withRetry(
    async () => {
      if (lost) {
        await reattach();
        lost = false;
      }
      return work();
    },
    {
      ...options.retry,
      isTransient: isLostFirebirdConnection,
      signal: options.signal,
      onRetry: (err, attempt, delayMs) => {
        lost = true;
        options.onLost?.(err);
        const error = firebirdErrorInfo(err);
        debug('%s: connection lost (%s); attempt %d of %d, again in %d ms', table, error.message, attempt, attempts, delayMs);
        options.onRetry?.({ database: 'firebird', table, operation: 'read', attempt, attempts, delayMs, error });
      },
    },
  );
}
