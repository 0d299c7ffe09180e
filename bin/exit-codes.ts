/**
 * The fbsync command's exit statuses, for a scheduler to act on (docs/scheduling.md says what
 * each should make it do). A run's status is its worst table's (see OUTCOMES in the library);
 * an error thrown before any table ran (a command line, a connection, a schema) has its own.
 */
import { FbsyncError, type TableOutcome } from '../lib/index.js';

export const EXIT = {
  /** Every table synced. */
  ok: 0,
  /** A failure: a connection, a schema, SQL; in planning (nothing written) or in some table. */
  failed: 1,
  /** A command line (or job file) that cannot run; nothing connected, nothing written. */
  usage: 2,
  /** A guard refused some table (e.g. deleting more rows than allowed); the others ran. */
  refused: 3,
  /** Every table completed, but MySQL refused some rows (within --max-errors): they are in the reject file. */
  rejected: 4,
  /** Some table was left alone because another run was syncing it (`--wait` waits for it); the others ran. */
  busy: 5,
  /** `fbsync verify` found rows that differ (missing, extra or with other values); nothing failed. */
  different: 6,
  /** Stopped by SIGINT / SIGTERM (128 + the signal's number, as shells report it). */
  sigint: 130,
  sigterm: 143,
} as const;

/** Error codes of a command that cannot run as given. */
const USAGE_CODES: readonly string[] = ['OPTION', 'JOB_FILE'];

/** The status of a run that ended with a summary: its outcome's; an interrupted one, the signal's. */
export function exitStatus(outcome: TableOutcome, signal?: NodeJS.Signals): number {
  const stopped = signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  switch (outcome) {
    case 'failed':
      return EXIT.failed;
    case 'refused':
      return EXIT.refused;
    case 'interrupted':
      return stopped;
    case 'busy':
      // A signal too: the run stopped on it, as it was asked.
      return signal ? stopped : EXIT.busy;
    default:
      // A signal that came after the last table began: the run did stop on it, as it was asked.
      if (signal) return stopped;
      return outcome === 'rejected' ? EXIT.rejected : EXIT.ok;
  }
}

/** The status of a run that threw: 2 for a command line (or yargs' usage error), 3 for a refused repair, 5 for a busy table, 1 for anything else. */
export function errorExitStatus(err: unknown): number {
  if (err instanceof FbsyncError && err.code === 'TABLE_BUSY') return EXIT.busy;
  // verify --repair: a guard (too many deletes, too many keys) refused a table's repair.
  if (err instanceof FbsyncError && (err.code === 'DELETE_GUARD' || err.code === 'REPAIR_TOO_MANY')) return EXIT.refused;
  const usage = (err instanceof FbsyncError && USAGE_CODES.includes(err.code)) || (err instanceof Error && err.name === 'YError');
  return usage ? EXIT.usage : EXIT.failed;
}
