import type { Counts } from '../core/change-set.js';
import type { Key } from '../core/table.js';
import type { FirebirdRetryEvent } from '../firebird/retry.js';
import type { MysqlRetryEvent } from '../mysql/retry.js';
import type { WatermarkReport } from '../state/watermark.js';
import type { VersionsReport } from '../state/row-versions.js';

/** How one table's run is going (SyncOptions.onProgress). Field names are stable: `--progress json` prints them. */
export interface TableProgress extends Counts {
  table: string;
  target: string;
  /** `reading` while pages flow, `done` once, at the end (whatever the outcome). */
  phase: 'reading' | 'done';
  /** Source rows the run expects to read, if known, and where that figure comes from. */
  estimate?: { rows: number; from: 'source count' | 'previous run' };
  rowsPerSecond: number;
  elapsedMs: number;
}

/**
 * How one table's run ended, from best to worst (see OUTCOMES in outcome.ts for why this order):
 * `synced`; `busy`, another run was syncing the table, so this one left it alone (TABLE_BUSY,
 * see `wait`); `rejected`, completed but MySQL refused some rows (within `maxErrors`, in the
 * reject file); `interrupted` by the signal; `refused`, a guard stopped it (DELETE_GUARD) or its
 * MySQL table lacks what the source has (TARGET_COLUMN_MISSING, SOURCE_MOVED);
 * `failed`, an error (connection, schema, SQL).
 */
export type TableOutcome = 'synced' | 'busy' | 'rejected' | 'refused' | 'interrupted' | 'failed';

export type RetryEvent = MysqlRetryEvent | FirebirdRetryEvent;

export interface SyncReport extends Counts {
  table: string;
  target: string;
  /** Source rows MySQL refused (also counted in `inserted` or `updated`, as the diff saw them). */
  rejected: number;
  dryRun: boolean;
  /** The checkpoint a resumed run started after (rows up to it were not read), or null. */
  resumedAfter: Key | null;
  /** The run stopped early on its signal; the checkpoint says how far it got. */
  interrupted: boolean;
  /**
   * With `sinceColumn`: the watermark this run read from (null: everything was read) and the
   * one it leaves for the next run, held back (`heldBackBy`) to before the oldest transaction
   * open elsewhere when the run began, or `note`d when the Firebird user cannot see those.
   */
  since?: WatermarkReport;
  /** With `rowVersions`: whether the run read rows by version, or compared them all (and why). */
  versions?: { mode: VersionsReport['mode'] | 'off'; reason?: string };
  /** How the source's columns changed since the last run, the ALTERs run (dry run: that would run); every row was compared. */
  sourceChanged?: { changes: string[]; altered: string[] };
  /** With `keys`: how many were read, and the target rows of listed keys the source lacks, left without `delete`. */
  keys?: ListedKeysReport;
  elapsedMs: number;
  /** Source rows read per second. */
  rowsPerSecond: number;
  /** How the table's run ended; see TableOutcome. */
  outcome?: TableOutcome;
  /**
   * With outcome `refused` or `failed`: the error, as `code` and message (with its hint), and the
   * options the message names (as FbsyncError.options), for a front end to put its words in.
   */
  error?: { code?: string; message: string; options?: string[] };
}

/** What a run of listed keys reports (SyncReport.keys). */
export interface ListedKeysReport {
  /** Keys read (repeats within a page of keys counted once). */
  listed: number;
  /**
   * Listed keys the source no longer has while the target still does, left in place because
   * the run does not `delete` (with `delete` they are counted in `deleted`).
   */
  extra: number;
}
