import createDebug from 'debug';
import { retryOptions, withRetry, type RetryOptions } from '../retry.js';
import { firebirdErrorInfo, isLostFirebirdConnection } from './errors.js';
import type { FirebirdRetryEvent } from './source.js';

const debug = createDebug('fbsync:firebird');

/**
 * Runs Firebird reads that may simply be done again (the catalog, a table's definition): when
 * the connection is lost, `reattach` replaces it (letting the dead one go) and `work` runs
 * again, with the same patience as page reads. `table` names what the retry events are about.
 */
export async function againIfLost<T>(
  work: () => Promise<T>,
  reattach: () => Promise<void>,
  table: string,
  options: { retry?: RetryOptions; onRetry?: (event: FirebirdRetryEvent) => void; signal?: AbortSignal },
): Promise<T> {
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
        const error = firebirdErrorInfo(err);
        debug('reading the definition of %s: connection lost (%s); attempt %d of %d, again in %d ms', table, error.message, attempt, attempts, delayMs);
        options.onRetry?.({ database: 'firebird', table, operation: 'read', attempt, attempts, delayMs, error });
      },
    },
  );
}
