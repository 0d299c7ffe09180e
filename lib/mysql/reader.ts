import type mysql from 'mysql2/promise';
import { FbsyncError, describeCause } from '../core/errors.js';
import { keyAfter, keyIn, keyThrough, type Predicate } from '../core/keyset.js';
import { retryOptions } from '../util/retry.js';
import { describeKey, type Row, type TableSpec } from '../core/table.js';
import type { TargetRange, TargetReader } from '../core/change-set.js';
import type { MysqlTarget } from './connect.js';
import { isTransientMysqlError } from './errors.js';
import { quoteMysql } from './metadata.js';
import { retryMysql, type MysqlRetryOptions } from './retry.js';

/** What a read that used every attempt says to do. */
const GAVE_UP = 'the server kept failing with an error that usually passes (lost connection, server restarting); check the server and run again, or allow more attempts with `retry.attempts`';

export interface MysqlReaderOptions extends MysqlRetryOptions {
  /** Ends a pause between retries (the read then fails with the abort reason). */
  signal?: AbortSignal;
  /** Columns the table does not have yet (a dry run that would add them): read as NULL, as they would be once added. */
  absent?: ReadonlySet<string>;
}

/**
 * How a column is read so that its value arrives exactly: MariaDB prints a FLOAT with six
 * significant digits (3.40282e+38), which is not the stored value; widened to a DOUBLE, whose
 * text round-trips, it is. FLOAT and DOUBLE values come as that text (a string, which values.ts
 * reads with Number): mysql2 3.24 turns a number of up to 17 characters into a double digit by
 * digit, which is an ulp off once the digits pass 2^53 (90.28571428571429 came back as
 * …428), so such a row was found changed on every run, and as a key inserted and "deleted".
 */
function readExpression(column: TableSpec['columns'][number], quoted: string): string {
  if (column.kind === 'float') return `CAST(${quoted} + 0E0 AS CHAR)`;
  return column.kind === 'double' ? `CAST(${quoted} AS CHAR)` : quoted;
}

/**
 * Rows in the target table now; with `softDelete`, those not marked deleted. A count that fails
 * for a transient reason (a lost or killed connection) is retried like a read of the diff.
 */
export async function countTargetRows(target: MysqlTarget, table: Pick<TableSpec, 'target' | 'softDelete'>, options: MysqlRetryOptions = {}): Promise<number> {
  const live = table.softDelete === undefined ? '' : ` WHERE ${quoteMysql(table.softDelete)} IS NULL`;
  const sql = `SELECT COUNT(*) AS n FROM ${quoteMysql(table.target)}${live}`;
  const what = { table: table.target, operation: 'read' as const, flavor: target.server.flavor };
  try {
    const [rows] = await retryMysql(() => target.pool.query<mysql.RowDataPacket[]>(sql), what, options);
    return Number(rows[0]?.n ?? 0);
  } catch (err) {
    if (!isTransientMysqlError(err)) throw err;
    throw new FbsyncError('TARGET_READ', `counting the rows of MySQL table ${target.server.database}.${table.target} failed ${retryOptions(options.retry).attempts} times: ${describeCause(err)}`, {
      hint: GAVE_UP,
      options: ['retry.attempts'],
      cause: err,
    });
  }
}

/**
 * Reads the target rows of one key range, for the diff stage (with `softDelete`, its column last). Only the range of one source
 * page is ever read, and at most `limit` rows of it at a time, so memory follows the page size,
 * not the table size. A read that fails for a transient reason (lost connection, server
 * restarting) is retried like a write.
 */
export function mysqlTargetReader(target: MysqlTarget, table: TableSpec, options: MysqlReaderOptions = {}): TargetReader {
  const cols = table.columns.map((c) => quoteMysql(c.target));
  const keyCols = table.key.map((i) => cols[i]!);
  const soft = table.softDelete === undefined ? '' : `, ${quoteMysql(table.softDelete)}`;
  const read = table.columns.map((c, i) => (options.absent?.has(c.target) ? 'NULL' : readExpression(c, cols[i]!)));
  const head = `SELECT ${read.join(', ')}${soft} FROM ${quoteMysql(table.target)}`;
  const order = ` ORDER BY ${keyCols.join(', ')}`;
  const { attempts } = retryOptions(options.retry);
  const what = { table: table.target, operation: 'read' as const, flavor: target.server.flavor };
  return async (range: TargetRange, limit?: number) => {
    const parts: Predicate[] = [];
    if (range.after) parts.push(keyAfter(keyCols, range.after));
    if (range.from) parts.push(keyAfter(keyCols, range.from, true));
    if (range.through) parts.push(keyThrough(keyCols, range.through));
    if (range.keys) parts.push(keyIn(keyCols, range.keys));
    const where = parts.length ? ` WHERE ${parts.map((p) => p.sql).join(' AND ')}` : '';
    const params = parts.flatMap((p) => p.params);
    try {
      // pool.query drops a connection that broke, so each attempt gets a working one.
      const sql = head + where + order + (limit === undefined ? '' : ` LIMIT ${Math.floor(limit)}`);
      const [rows] = await retryMysql(() => target.pool.query<mysql.RowDataPacket[]>({ sql, rowsAsArray: true }, params), what, options);
      return rows as unknown as Row[];
    } catch (err) {
      if (!isTransientMysqlError(err)) throw err;
      const keys = range.keys;
      const bound = (key: TargetRange['from'], open: string) => (key ? describeKey(table, key) : open);
      const span = keys?.length ? `${describeKey(table, keys[0]!)} … ${describeKey(table, keys[keys.length - 1]!)}` : undefined;
      throw new FbsyncError(
        'TARGET_READ',
        `reading MySQL table ${target.server.database}.${table.target} (${span ?? `${bound(range.after ?? range.from, 'first key')} … ${bound(range.through, 'last key')}`}) for the diff failed ${attempts} times: ${describeCause(err)}`,
        { hint: GAVE_UP, options: ['retry.attempts'], cause: err },
      );
    }
  };
}
