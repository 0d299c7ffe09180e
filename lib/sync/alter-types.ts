import { utf8BytesPerChar, type ValueShape } from '../core/shape.js';
import type { MysqlColumn } from '../mysql/metadata.js';

/*
 * The type a MODIFY COLUMN gives an existing column that cannot hold the source's values: the
 * type fbsync would create, widened wherever the existing column already holds more (more
 * digits before the point, more decimals, longer text, a bigger TEXT or BLOB type), so that the
 * change never narrows what the table's own rows may hold. A value the new type still cannot
 * take (a row the source does not have, say) makes MySQL refuse the ALTER in strict mode rather
 * than cut it.
 */

const LOB_RANK = ['tiny', '', 'medium', 'long'];
const LOB_BYTES = [255, 65_535, 16_777_215, 4_294_967_295];
/** Digits of the largest value of each MySQL integer type (unsigned for the larger). */
const INT_DIGITS: Record<string, { signed: number; unsigned: number }> = {
  tinyint: { signed: 3, unsigned: 3 },
  smallint: { signed: 5, unsigned: 5 },
  mediumint: { signed: 7, unsigned: 8 },
  int: { signed: 10, unsigned: 10 },
  integer: { signed: 10, unsigned: 10 },
  bigint: { signed: 19, unsigned: 20 },
};
const INT_TYPES = ['SMALLINT', 'INT', 'BIGINT'];
const INT_BITS: Record<string, number> = { tinyint: 8, smallint: 16, mediumint: 24, int: 32, integer: 32, bigint: 64 };

/** `designed` is the type fbsync would create (mysqlColumnTypes), `COLLATE utf8mb4_bin` included for a key. */
export function alteredType(shape: ValueShape, designed: string, column: MysqlColumn): string {
  const t = column.dataType;
  switch (shape.kind) {
    case 'integer':
    case 'bigint':
      if (t === 'decimal') return decimal(shape.kind === 'bigint' ? 19 : shape.bits === 16 ? 5 : 10, 0, column);
      if (INT_BITS[t] !== undefined) {
        // A signed type at least as wide as both; an unsigned column's largest values need the next one up.
        const bits = Math.max(shape.kind === 'bigint' ? 64 : shape.bits, INT_BITS[t]! * (/\bunsigned\b/.test(column.columnType) ? 2 : 1));
        return INT_TYPES.find((_, i) => [16, 32, 64][i]! >= bits) ?? 'BIGINT';
      }
      return designed;
    case 'decimal': {
      const [, m, d] = /^DECIMAL\((\d+),(\d+)\)$/.exec(designed) ?? [];
      if (m === undefined || d === undefined) return designed;
      return decimal(Number(m) - Number(d), Number(d), column);
    }
    case 'time':
    case 'timestamp':
      // TIMESTAMP becomes DATETIME, as fbsync creates it; a column keeping more digits keeps them.
      return (t === 'datetime' || t === 'timestamp' || t === 'time') && (column.fractionDigits ?? 0) > 4 ? designed.replace('(4)', `(${column.fractionDigits})`) : designed;
    case 'text':
      return sized(designed, column, ['char', 'varchar'], 'TEXT', shape.length === undefined ? undefined : shape.length * utf8BytesPerChar(shape.charset));
    case 'binary':
      return sized(designed, column, ['varbinary'], 'BLOB', shape.length);
    default:
      return designed;
  }
}

/** DECIMAL with at least `whole` digits before the point and `scale` after, or the column's more. */
function decimal(whole: number, scale: number, column: MysqlColumn): string {
  let oldWhole = 0;
  let oldScale = 0;
  if (column.dataType === 'decimal') {
    oldScale = column.scale ?? 0;
    oldWhole = (column.precision ?? 10) - oldScale;
  } else if (INT_DIGITS[column.dataType]) {
    oldWhole = INT_DIGITS[column.dataType]![/\bunsigned\b/.test(column.columnType) ? 'unsigned' : 'signed'];
  }
  const d = Math.max(scale, oldScale);
  return `DECIMAL(${Math.max(whole, oldWhole) + d},${d})`;
}

/**
 * Text or bytes: VARCHAR(n)/VARBINARY(n) as long as the longer of the two, a TEXT or BLOB type
 * as big as the bigger; the column's own TEXT or BLOB type where fbsync would make it shorter
 * and it holds the source's longest value (`bytes`, undefined for a BLOB).
 */
function sized(designed: string, column: MysqlColumn, varying: readonly string[], family: 'TEXT' | 'BLOB', bytes: number | undefined): string {
  const t = column.dataType;
  const collate = designed.includes(' COLLATE ') ? designed.slice(designed.indexOf(' COLLATE ')) : '';
  const base = collate ? designed.slice(0, designed.indexOf(' COLLATE ')) : designed;
  const lob = new RegExp(`^(TINY|MEDIUM|LONG)?${family}$`, 'i');
  const oldLob = lob.test(t) ? t.slice(0, t.length - family.length) : undefined;
  const newLob = lob.test(base) ? base.slice(0, base.length - family.length).toLowerCase() : undefined;
  if (oldLob !== undefined) {
    // A key stays a VARCHAR: MySQL indexes no TEXT without a prefix length.
    if (collate) return designed;
    if (newLob !== undefined) return LOB_RANK.indexOf(newLob) > LOB_RANK.indexOf(oldLob) ? designed : `${oldLob.toUpperCase()}${family}`;
    return bytes !== undefined && LOB_BYTES[LOB_RANK.indexOf(oldLob)]! >= bytes ? `${oldLob.toUpperCase()}${family}` : designed;
  }
  const sized = /^(\w+)\((\d+)\)$/.exec(base);
  if (sized && varying.includes(t) && column.maxLength != null && column.maxLength > Number(sized[2])) {
    // CHAR(n) only for fixed text up to 255; a longer CHAR column of the target is a VARCHAR then.
    const type = sized[1] === 'CHAR' && (t !== 'char' || column.maxLength > 255) ? 'VARCHAR' : sized[1];
    return `${type}(${column.maxLength})${collate}`;
  }
  return designed;
}
