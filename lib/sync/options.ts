import type { Duplex } from 'node:stream';
import type { FirebirdDatabase } from '../firebird/connect.js';
import type { Page } from '../core/page.js';
import type { Key } from '../core/table.js';
import type { KeyList } from '../firebird/listed-pages.js';
import type { MysqlTarget } from '../mysql/connect.js';
import type { NameMapping } from './names.js';
import type { RejectFile } from '../state/rejects.js';
import type { RejectHandler } from '../core/rejected-row.js';
import type { RetryOptions } from '../util/retry.js';
import type { MaxDelete } from '../stages/delete-guard.js';
import type { RoundToTarget } from './round-to-target.js';
import type { RetryEvent, TableProgress } from './sync-report.js';

/** A stage that sees every source page before the diff: a function (sync or async) or a Duplex. */
export type PageStage = ((page: Page) => Page | Promise<Page>) | Duplex;

export interface SyncOptions {
  /** Firebird URI (`firebird://user:pass@host:port//path.fdb`) or an attached database (not closed here). */
  from: string | FirebirdDatabase;
  /**
   * A new attachment for when the connection to Firebird is lost mid-run, so that the read goes
   * on (with `retry`'s patience); you close what it returns. When `from` is a URI, fbsync
   * attaches again by itself; when it is a database and this is missing, a lost connection
   * stops the run (with its checkpoint kept).
   */
  reconnect?: () => Promise<FirebirdDatabase>;
  /**
   * A further attachment to the same database, which fbsync detaches when done: with
   * `rowVersions`, the rows written since the last run are read on it while the next page's
   * versions are read on the first (a re-sync then waits less on Firebird). When `from` is a
   * URI, fbsync attaches it by itself; when it is a database and this is missing, every read
   * goes through that one attachment.
   */
  attachSide?: () => Promise<FirebirdDatabase>;
  /** MySQL URI (`mysql://user:pass@host:port/db`) or an open target (not closed here). */
  to: string | MysqlTarget;
  /** Firebird table name. */
  table: string;
  /** MySQL table name; defaults to the source name (matched case-insensitively). */
  targetTable?: string;
  /** Delete target rows that the source does not have. Default false. */
  delete?: boolean;
  /** Compute and report the diff but write nothing. Default false. */
  dryRun?: boolean;
  /** Batches written at once. Default 4. */
  parallel?: number;
  /** Source rows per keyset page. Default 10,000. */
  pageSize?: number;
  /** Rows per INSERT/DELETE/LOAD DATA statement. Default 4,000. */
  batchRows?: number;
  /** Bytes per statement; default derived from the server's max_allowed_packet. */
  batchBytes?: number;
  /**
   * Write rows new to the target with LOAD DATA LOCAL INFILE where the server allows it
   * (`local_infile`); rows it would warn about go by INSERT. Default true.
   */
  loadData?: boolean;
  /** Source column names to leave out. */
  excludeColumns?: readonly string[];
  /** Add or widen MySQL columns for those Firebird added or widened since the last run, not refuse the table (docs/adopting.md). */
  createTables?: boolean;
  /** MySQL names for Firebird tables and columns (e.g. `lowerCaseNames`); default: the same names. */
  names?: NameMapping;
  /** MySQL names for some columns of the table, over `names`: `{ DT_ATUALIZACAO: 'updated_at' }`. */
  columns?: Readonly<Record<string, string>>;
  /**
   * How to read text in character set NONE: undefined (or `OCTETS`) copies its bytes unchanged
   * into binary columns; a character set name (`WIN1252`, `UTF8`, …) reads it as text in that set.
   */
  noneCharset?: string;
  /**
   * Stages applied to each page before the diff (e.g. masking a column). They may change values,
   * not which rows a page holds: a transform that leaves out, adds, reorders or re-keys rows
   * stops the sync with a TRANSFORM error before that page is written (see keep-rows.ts). With
   * `rowVersions`, rows whose Firebird version did not change are not read: after changing a
   * transform, run once without `rowVersions` so that every row goes through it.
   */
  transforms?: readonly PageStage[];
  /**
   * Continue after the checkpoint an earlier, unfinished run left in the target (default false:
   * start from the beginning). Rows up to the checkpoint are not read again.
   */
  resume?: boolean;
  /**
   * Read only the rows whose DATE/TIMESTAMP column `sinceColumn` is at or after the latest
   * value the previous completed run saw (kept in the target, table fbsync_watermarks), less
   * `sinceOverlapSeconds`. The first run reads everything. Deleted source rows cannot be seen
   * this way, so it does not go with `delete`: run a full `delete` sync now and then.
   */
  sinceColumn?: string;
  /**
   * Find changed rows by Firebird's record versions (RDB$RECORD_VERSION, the transaction that
   * wrote each row) instead of reading and comparing every row: each run notes the versions it
   * copied in the target (tables fbsync_row_versions, fbsync_version_sets), and the next reads
   * only keys and versions, then in full only the rows that are new or were written since. Sees
   * deletes too. Changes made to the target by anything but fbsync are not seen (a changed row
   * count is, and makes the run compare every row). The first run, and any run whose notes
   * cannot be trusted (other source database or restored copy, other columns), compares every
   * row and notes versions for the next; so does a run with `delete` when the target holds rows
   * the notes do not (left by a run without `delete`). Default false.
   */
  rowVersions?: boolean;
  /** How far before the watermark to start again. Default 60 s; see DEFAULT_SINCE_OVERLAP_SECONDS. */
  sinceOverlapSeconds?: number;
  /** Keep checkpoints in the target database (table fbsync_checkpoints). Default true. */
  checkpoints?: boolean;
  /**
   * Stop early: no further page is read, batches already sent commit, the checkpoint is kept
   * and the report says `interrupted`.
   */
  signal?: AbortSignal;
  /**
   * How often and how patiently to retry a MySQL statement that failed for a transient reason
   * (deadlock, lock wait timeout, lost or killed connection), or a Firebird page whose
   * connection was lost. Default 8 attempts, pauses from 200 ms doubling up to 10 s; see
   * DEFAULT_RETRY.
   */
  retry?: RetryOptions;
  /** Told about every retry, e.g. to log it; `event.database` says which side it was. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Rows MySQL may refuse for good (value too long, out of range, invalid date in strict mode)
   * before the sync fails; such rows are skipped and reported. Default 0: the first one stops
   * the sync, once the rest of its batch is written.
   */
  maxErrors?: number;
  /**
   * A JSON-lines file to append rejected rows to, created only when the first one arrives: a
   * path, or a RejectFile shared by several syncs (left open here; its owner closes it).
   */
  rejectFile?: string | RejectFile;
  /** Receives every rejected row (besides the reject file, if there is one). */
  onReject?: RejectHandler;
  /**
   * With `delete`: the most target rows the run may delete, a count (`500`) or a share of the
   * target's rows when the run begins (`'10%'`, rounded down). Without it, at most half of the
   * target's rows (DEFAULT_MAX_DELETE), which also refuses an empty source over a non-empty
   * target. A table whose row counts show the limit would be passed is refused before anything
   * is written; one whose diff finds it passed as it goes stops before the delete that would
   * pass it (deletes found earlier, within the limit, stay done). Either throws an FbsyncError
   * with code DELETE_GUARD (outcome `refused`). Not applied with `dryRun`. See docs/deletes.md.
   */
  maxDelete?: MaxDelete;
  /**
   * With `delete`: instead of deleting a target row the source no longer has, set this DATETIME
   * column of the target to the run's time (local wall-clock time); a row that comes back has it
   * cleared (NULL). The column is the target's own (not a source column) and nullable. Rows
   * already marked are left alone by later runs, and not counted as deleted again.
   */
  softDelete?: string;
  /**
   * Told how the table's run is going: every 2 s (PROGRESS_INTERVAL_MS) while it reads, and once
   * when it ends. With a listener, the source's rows are counted (COUNT(*)) on a further
   * attachment — `attachSide`, or a new one when `from` is a URI — for the estimate, without the
   * run waiting for it; without one, nothing is counted.
   */
  onProgress?: (progress: TableProgress) => void;
  /**
   * How long to wait (seconds) for another run syncing the same MySQL table to finish. A run
   * takes a lock on each target table before it reads any row or state of it, held on a MySQL
   * connection of its own (so a run that crashed or was killed leaves none behind); a table
   * another run holds is left alone, with a TABLE_BUSY error naming that run (outcome `busy`).
   * Default 0: do not wait. A dry run takes no lock.
   */
  wait?: number;
  /**
   * Accept existing MySQL columns with fewer decimals or digits of a second than the source
   * (`true`: every column; or these source columns, never a key) and write and compare values as
   * MySQL stores them (see round-to-target.ts). Default: such columns are refused.
   */
  roundToTarget?: RoundToTarget;
  /**
   * Sync only the rows of these keys (each an array of the key columns' values, in key order, in
   * fbsync's canonical forms: what `verify` reports), e.g. to repair the rows a verify found
   * different. Any order, any number: they are taken `pageSize` at a time, each page sorted and
   * read by key in the run's snapshot, so memory follows the page size. A listed key the source
   * has is inserted or updated as it differs; one it no longer has is deleted only with `delete`
   * (under `maxDelete`), else counted in the report's `keys.extra`. Unlisted rows are left
   * alone. Does not go with `resume`, `sinceColumn` or `rowVersions`; keeps no checkpoint and
   * leaves the notes of versions as they are. See docs/library.md.
   */
  keys?: KeyList;
}

export type { MaxDelete } from '../stages/delete-guard.js';

export type { RetryEvent, SyncReport, TableOutcome, TableProgress } from './sync-report.js';

/** The options that may differ from one table to the next (a job file's per-table options). */
export type TableOptions = Pick<
  SyncOptions,
  | 'delete'
  | 'dryRun'
  | 'rowVersions'
  | 'sinceColumn'
  | 'sinceOverlapSeconds'
  | 'resume'
  | 'maxErrors'
  | 'maxDelete'
  | 'softDelete'
  | 'pageSize'
  | 'batchRows'
  | 'parallel'
  | 'loadData'
  | 'roundToTarget'
>;

/** One table of a run, with what it does otherwise than the run's options say. */
export interface TableJob extends TableOptions {
  /** Firebird table name. */
  name: string;
  /** MySQL table name; default: the source's, through `names`. */
  target?: string;
  /** Columns of this table to leave out (besides the run's `excludeColumns` that apply to it). */
  excludeColumns?: readonly string[];
  /** MySQL names for some of its columns, over `names` (as SyncOptions.columns). */
  columns?: Readonly<Record<string, string>>;
  /** Only the rows of these keys of the table (as SyncOptions.keys): a repair of several tables, each with its own keys. */
  keys?: KeyList;
}

// `keys` belong to one table: a TableJob's.
export interface SyncTablesOptions extends Omit<SyncOptions, 'from' | 'to' | 'table' | 'targetTable' | 'excludeColumns' | 'columns' | 'keys'> {
  from: string;
  to: string;
  /**
   * Tables to sync: names, or TableJobs with options of their own (the run's options are their
   * defaults). With `allTables`, the tables listed here only set options of their own.
   */
  tables?: ReadonlyArray<string | TableJob>;
  /** Every user table with a primary key; the others are listed in the summary's `skipped`. */
  allTables?: boolean;
  /** `TABLE.COLUMN` entries; a bare `COLUMN` applies to every table. */
  excludeColumns?: readonly string[];
  /**
   * Create missing MySQL tables from fbsync's type mapping (see `fbsync schema`), and hold
   * existing ones to it: a column too small for some source values is refused up front. And see
   * SyncOptions.createTables.
   */
  createTables?: boolean;
  /** Tables synced at once, each over its own Firebird attachment. Default 1. */
  parallelTables?: number;
  /**
   * Stop at the first table that fails: no further table starts (default: every table runs, and
   * each one's outcome is in the summary).
   */
  stopOnError?: boolean;
}
