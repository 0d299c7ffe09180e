import { setTimeout as sleep } from 'node:timers/promises';

/** How hard to insist on an operation that fails for a reason that usually passes. */
export interface RetryOptions {
  /** Tries in all, the first included; 1 means no retry. Default 8. */
  attempts?: number;
  /** The pause before the first retry, in ms; each later pause doubles it. Default 200. */
  baseMs?: number;
  /** The longest pause, in ms. Default 10,000. */
  maxMs?: number;
}

/**
 * With the defaults the pauses are at most 0.2, 0.4, 0.8, 1.6, 3.2, 6.4 and 10 s (at least half
 * that each): 11 to 23 s in all, long enough for a deadlock to clear, a killed connection to be
 * replaced or a server to come back from a restart, short enough that a server that is really
 * gone stops the run soon.
 */
export const DEFAULT_RETRY: Required<RetryOptions> = { attempts: 8, baseMs: 200, maxMs: 10_000 };

export interface WithRetryOptions extends RetryOptions {
  /** Whether an error is worth another try; any other error is thrown at once. */
  isTransient: (err: unknown) => boolean;
  /** Told before each pause: the error, the attempt that failed (1-based) and the pause. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Stops waiting: the pending pause ends and the abort reason is thrown. */
  signal?: AbortSignal;
  /** A number in [0, 1) for the jitter; Math.random by default (specs pass their own). */
  random?: () => number;
}

/** Fills in the defaults and refuses nonsense, naming the option. */
export function retryOptions(options: RetryOptions = {}): Required<RetryOptions> {
  const resolved = { ...DEFAULT_RETRY, ...definedOnly(options) };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new RangeError(`retry attempts must be a positive integer, not ${resolved.attempts}`);
  }
  for (const name of ['baseMs', 'maxMs'] as const) {
    if (!Number.isFinite(resolved[name]) || resolved[name] < 0) throw new RangeError(`retry ${name} must be a number of ms ≥ 0, not ${resolved[name]}`);
  }
  return resolved;
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/**
 * The pause after failed attempt `attempt` (1-based): exponential, capped at maxMs, with
 * "equal jitter" — half of it fixed, half random — so that the batches that failed together
 * (all of them, when the server restarts) do not all come back at the same instant, while
 * every pause still grows.
 */
export function retryDelay(attempt: number, options: Pick<Required<RetryOptions>, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Runs `fn` until it succeeds, fails with an error `isTransient` does not accept, or has been
 * tried `attempts` times; then throws that last error as it is, so that the caller can tell
 * the two failures apart by asking `isTransient` again. `fn` gets the attempt number.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  const { attempts, baseMs, maxMs } = retryOptions(options);
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !options.isTransient(err)) throw err;
      const delayMs = retryDelay(attempt, { baseMs, maxMs }, options.random);
      options.onRetry?.(err, attempt, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}
