import type { FirebirdDatabase } from '../firebird/connect.js';
import type { Key } from '../core/table.js';
import type { MysqlTarget } from '../mysql/connect.js';
import type { RetryOptions } from '../util/retry.js';
import type { NameMapping } from './names.js';
import type { RoundToTarget } from './round-to-target.js';
import type { TableJob } from './options.js';

/** How a target row differs: the source has it and the target not, the reverse, or other values. */
export type DifferenceKind = 'missing' | 'extra' | 'differ';

export const DIFFERENCE_KINDS: readonly DifferenceKind[] = ['missing', 'extra', 'differ'];

/** One row found different, as soon as it is found. */
export interface Difference {
  /** Firebird table name. */
  table: string;
  kind: DifferenceKind;
  /** Primary key values in key order, as the sync passes keys (canonical forms, core/values.ts). */
  key: Key;
}

export interface VerifyOptions {
  /** Firebird URI or an attached database (not closed here). */
  from: string | FirebirdDatabase;
  /** MySQL URI or an open target (not closed here). */
  to: string | MysqlTarget;
  /** Firebird table name. */
  table: string;
  /** MySQL table name; defaults to the source name as a sync maps it. */
  targetTable?: string;
  excludeColumns?: readonly string[];
  names?: NameMapping;
  columns?: Readonly<Record<string, string>>;
  noneCharset?: string;
  roundToTarget?: RoundToTarget;
  /**
   * Source rows per checksummed key range. Default 10,000. A range whose checksums disagree is
   * split (down to `exactRows`) and then read on both sides and compared row by row.
   */
  rangeRows?: number;
  /** Rows of a range below which it is read and compared row by row rather than split. Default 1,000. */
  exactRows?: number;
  /** Told of every difference as it is found (keys stream: memory does not grow with them). */
  onDifference?: (difference: Difference) => void;
  /** Also keep the keys in the report (`keys`), for a caller that wants them as arrays. */
  collectKeys?: boolean;
  retry?: RetryOptions;
  signal?: AbortSignal;
}

export interface VerifyCounts {
  /** Rows in both with the values a sync would leave unchanged. */
  same: number;
  missing: number;
  extra: number;
  differ: number;
}

export interface VerifyReport {
  /** Firebird table name. */
  table: string;
  /** MySQL table name. */
  target: string;
  identical: boolean;
  counts: VerifyCounts;
  /** Key ranges checksummed, and of them compared row by row (disagreeing, or with `unhashed` columns). */
  ranges: { checksummed: number; compared: number };
  /** Columns compared by value in every range, not hashed, and why (see docs/verify.md). */
  unhashed: { column: string; why: string }[];
  /** With `collectKeys`: the keys found, by kind. */
  keys?: Record<DifferenceKind, Key[]>;
  elapsedMs: number;
}

export interface VerifyTablesOptions extends Omit<VerifyOptions, 'from' | 'to' | 'table' | 'targetTable' | 'excludeColumns' | 'columns'> {
  from: string;
  to: string;
  /** Table names, or jobs with per-table settings (target, excludeColumns, columns). */
  tables?: ReadonlyArray<string | Pick<TableJob, 'name' | 'target' | 'excludeColumns' | 'columns'>>;
  allTables?: boolean;
  excludeColumns?: readonly string[];
}

export interface VerifyTablesReport {
  tables: VerifyReport[];
  /** Tables listed but not verified (no primary key, …), with why. */
  skipped: { table: string; reason: string }[];
  identical: boolean;
  elapsedMs: number;
}
