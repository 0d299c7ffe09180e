import type mysql from 'mysql2/promise';
import { keyAfter, keyThrough, type Predicate } from '../keyset.js';
import type { Row, TableSpec } from '../table.js';
import type { TargetRange, TargetReader } from '../stages/diff.js';
import type { MysqlTarget } from './connect.js';
import { quoteMysql } from './metadata.js';

/**
 * How a column is read so that its value arrives exactly: MariaDB prints a FLOAT with six
 * significant digits (3.40282e+38), which is not the stored value; widened to a DOUBLE, whose
 * text round-trips, it is.
 */
function readExpression(column: TableSpec['columns'][number], quoted: string): string {
  return column.kind === 'float' ? `(${quoted} + 0E0)` : quoted;
}

/**
 * Reads the target rows of one key range, for the diff stage. Only the range of one source
 * page is ever read, so memory follows the page size, not the table size.
 */
export function mysqlTargetReader(target: MysqlTarget, table: TableSpec): TargetReader {
  const cols = table.columns.map((c) => quoteMysql(c.target));
  const keyCols = table.key.map((i) => cols[i]!);
  const head = `SELECT ${table.columns.map((c, i) => readExpression(c, cols[i]!)).join(', ')} FROM ${quoteMysql(table.target)}`;
  const order = ` ORDER BY ${keyCols.join(', ')}`;
  return async (range: TargetRange) => {
    const parts: Predicate[] = [];
    if (range.after) parts.push(keyAfter(keyCols, range.after));
    if (range.from) parts.push(keyAfter(keyCols, range.from, true));
    if (range.through) parts.push(keyThrough(keyCols, range.through));
    const where = parts.length ? ` WHERE ${parts.map((p) => p.sql).join(' AND ')}` : '';
    const [rows] = await target.pool.query<mysql.RowDataPacket[]>({ sql: head + where + order, rowsAsArray: true }, parts.flatMap((p) => p.params));
    return rows as unknown as Row[];
  };
}
