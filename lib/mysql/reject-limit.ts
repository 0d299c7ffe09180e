import createDebug from 'debug';
import { FbsyncError } from '../core/errors.js';
import type { RejectHandler, RejectedRow } from '../core/rejected-row.js';
import { describeKey, keyOf, type Row, type TableSpec } from '../core/table.js';
import type { Value } from '../core/values.js';
import type { MysqlTarget } from './connect.js';
import { mysqlErrorInfo } from './errors.js';

const debug = createDebug('fbsync:sink');

export const DEFAULT_MAX_ERRORS = 0;

export interface RejectLimitOptions {
  target: MysqlTarget;
  table: TableSpec;
  /** Receives every row MySQL refuses for good. */
  onReject?: RejectHandler;
  /** Rejected rows allowed; one more is too many. Default 0. */
  maxErrors?: number;
  /** Where rejected rows are kept (a reject file's path), for the message that stops the run. */
  rejectsWhere?: string;
}

/**
 * The rows MySQL refused for good during one sink's run: each is handed to `onReject` and
 * counted, and once more than `maxErrors` were, `exceeded` holds the error that stops the run,
 * naming the last row refused, the server's reason and where the others went.
 */
export class RejectLimit {
  readonly #target: MysqlTarget;
  readonly #table: TableSpec;
  readonly #onReject?: RejectHandler;
  readonly #maxErrors: number;
  readonly #rejectsWhere?: string;
  #count = 0;
  /** The last row refused once past the limit: the error is made when asked for, with the count then. */
  #last: { row: Row; reject: RejectedRow } | undefined;

  constructor(options: RejectLimitOptions) {
    const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
    if (!Number.isInteger(maxErrors) || maxErrors < 0) {
      throw new FbsyncError('OPTION', `\`maxErrors\` must be an integer ≥ 0, not ${maxErrors}`, { options: ['maxErrors'], value: maxErrors });
    }
    this.#target = options.target;
    this.#table = options.table;
    this.#onReject = options.onReject;
    this.#maxErrors = maxErrors;
    this.#rejectsWhere = options.rejectsWhere;
  }

  /** Rows refused so far. */
  get count(): number {
    return this.#count;
  }

  /** Set once more rows were refused than allowed: the error to stop the run with. */
  get exceeded(): FbsyncError | undefined {
    return this.#last && this.#error(this.#last.row, this.#last.reject);
  }

  /** Hands `row`, refused with `err`, to `onReject` (waiting for it) and counts it. */
  async reject(row: Row, err: unknown): Promise<void> {
    this.#count++;
    const byName = (indexes: readonly number[]) => Object.fromEntries(indexes.map((i) => [this.#table.columns[i]!.target, row[i] ?? null])) as Record<string, Value>;
    const reject: RejectedRow = {
      table: this.#table.source,
      target: this.#table.target,
      key: byName(this.#table.key),
      values: byName(this.#table.columns.map((_, i) => i)),
      error: mysqlErrorInfo(err, this.#target.server.flavor),
    };
    debug('%s: rejected %s: %s', this.#table.target, describeKey(this.#table, keyOf(this.#table, row)), reject.error.message);
    await this.#onReject?.(reject);
    if (this.#count > this.#maxErrors) this.#last = { row, reject };
  }

  #error(row: Row, reject: RejectedRow): FbsyncError {
    const where = `MySQL table ${this.#target.server.database}.${this.#table.target}`;
    const key = describeKey(this.#table, keyOf(this.#table, row));
    // Batches already in flight when the limit was passed finish, and may refuse more rows.
    const message =
      this.#count === 1
        ? `${where} rejected the row ${key}: ${reject.error.message}`
        : `${where} rejected ${this.#count} rows, more than the ${this.#maxErrors} allowed; the last, ${key}: ${reject.error.message}`;
    const kept = this.#rejectsWhere ? `; the rejected rows are in ${this.#rejectsWhere}` : '';
    return new FbsyncError('TARGET_REJECTED', message, {
      hint: `the other rows of its batch were written${kept}; fix the value or the MySQL column, or let the run skip such rows by raising \`maxErrors\``,
      options: ['maxErrors'],
    });
  }
}
