import { STORAGE_DIGITS, utf8BytesPerChar, type ValueShape } from '../core/shape.js';
import type { MysqlColumn } from './metadata.js';
import { charsetHoldsEvery, isCheckedCharset } from './charsets.js';

/**
 * Why an existing MySQL column cannot hold a source column's values exactly.
 * - `type`: MySQL would store some values as something else without an error — round a
 *   fraction, drop trailing blanks, shift a time through the session time zone, merge keys that
 *   differ only in case — or read them back unlike the source. Always refused, except where fbsync
 *   may round the values itself first (`roundable`: fewer decimals or digits of a second).
 * - `size`: some values do not fit (longer text, more digits, a NULL) and MySQL refuses those rows
 *   (fbsync runs its sessions in strict mode). Refused when fbsync manages the schema
 *   (`createTables`); otherwise such rows fail when written.
 * A narrower character set is neither: fbsync rejects the rows with a character the column lacks
 * (see `narrower`), whether it manages the schema or not.
 */
export interface Misfit {
  severity: 'type' | 'size';
  reason: string;
  /** Fewer decimals or digits of a second than the source: fbsync could round to the column instead (`roundToTarget`). */
  roundable?: true;
}

export interface SourceSide {
  shape: ValueShape;
  nullable: boolean;
  /** Part of the primary key: text must then compare exactly (binary collation). */
  key: boolean;
  /**
   * Values are cut to what the column keeps before they are written (`roundToTarget`, see
   * roundedDigits): fewer decimals or digits of a second are then no misfit, but a decimal's
   * rounding may carry into one more integer digit, which the column must have room for.
   */
  round?: boolean;
}

const INT_BITS: Record<string, number> = { tinyint: 8, smallint: 16, mediumint: 24, int: 32, integer: 32, bigint: 64 };
/** Decimal digits every value of the type has room for (9 of INT's 10). */
const INT_SAFE_DIGITS: Record<string, number> = { tinyint: 2, smallint: 4, mediumint: 6, int: 9, integer: 9, bigint: 18 };
const TEXT_BYTES: Record<string, number> = { tinytext: 255, text: 65_535, mediumtext: 16_777_215, longtext: 4_294_967_295 };
const BLOB_BYTES: Record<string, number> = { tinyblob: 255, blob: 65_535, mediumblob: 16_777_215, longblob: 4_294_967_295 };

/** Undefined when `column` holds every value of `source` exactly. */
export function misfit(source: SourceSide, column: MysqlColumn): Misfit | undefined {
  return typeMisfit(source, column) ?? (source.nullable && !column.nullable ? size('is NOT NULL, and the source allows NULL') : undefined);
}

const type = (reason: string): Misfit => ({ severity: 'type', reason });
const roundable = (reason: string): Misfit => ({ severity: 'type', reason, roundable: true });
const size = (reason: string): Misfit => ({ severity: 'size', reason });

function typeMisfit(source: SourceSide, column: MysqlColumn): Misfit | undefined {
  const shape = source.shape;
  const t = column.dataType;
  const unsigned = /\bunsigned\b/.test(column.columnType);
  const intBits = INT_BITS[t];
  switch (shape.kind) {
    case 'integer':
    case 'bigint': {
      const bits = shape.kind === 'bigint' ? 64 : shape.bits;
      const digits = bits === 16 ? STORAGE_DIGITS.SMALLINT : bits === 32 ? STORAGE_DIGITS.INTEGER : STORAGE_DIGITS.BIGINT;
      if (intBits) {
        if (unsigned) return size('is unsigned, and the source holds negative numbers');
        return intBits < bits ? size(`holds ${intBits}-bit integers, the source ${bits}-bit ones`) : undefined;
      }
      if (t === 'decimal') return integerDigits(column) < digits ? size(`has ${integerDigits(column)} digits before the point, the source up to ${digits}`) : undefined;
      // A double holds every integer up to 2^53, a float up to 2^24.
      if (t === 'double' && bits <= 32) return undefined;
      if (t === 'float' && bits <= 16) return undefined;
      if (t === 'double' || t === 'float') return type(`cannot hold every ${bits}-bit integer exactly`);
      return type('is not a numeric type');
    }
    case 'decimal': {
      const whole = shape.precision - shape.scale;
      if (t === 'decimal') {
        const fewer = (column.scale ?? 0) < shape.scale;
        if (fewer && !source.round) return roundable(`has ${column.scale ?? 0} decimals, the source ${shape.scale}: MySQL would round`);
        // Rounded, 99.995 becomes 100.00: one more integer digit than the source's.
        if (fewer && integerDigits(column) <= whole) return size(`has ${integerDigits(column)} digits before the point, and the source's ${whole} rounded to ${column.scale ?? 0} decimals may carry into one more`);
        return integerDigits(column) < whole ? size(`has ${integerDigits(column)} digits before the point, the source ${whole}`) : undefined;
      }
      if (intBits) {
        if (shape.scale > 0 && !source.round) return roundable(`has no decimals, the source ${shape.scale}: MySQL would round`);
        if (unsigned) return size('is unsigned, and the source holds negative numbers');
        if (shape.scale > 0) return INT_SAFE_DIGITS[t]! <= whole ? size(`holds ${INT_SAFE_DIGITS[t]} digits, and the source's ${whole} before the point rounded to a whole number may carry into one more`) : undefined;
        return INT_SAFE_DIGITS[t]! < shape.precision ? size(`holds ${INT_SAFE_DIGITS[t]} digits, the source ${shape.precision}`) : undefined;
      }
      return type('is not an exact numeric type (DECIMAL)');
    }
    case 'float':
      return t === 'float' || t === 'double' ? undefined : type('is not FLOAT or DOUBLE');
    case 'double':
      return t === 'double' ? undefined : type(t === 'float' ? 'is single precision, the source double' : 'is not DOUBLE');
    case 'boolean':
      return intBits ? undefined : type('is not BOOLEAN (TINYINT) or another integer type');
    case 'date':
      return t === 'date' ? undefined : type('is not DATE');
    case 'time':
      if (t !== 'time') return type('is not TIME');
      return fraction(column) < 4 && !source.round ? roundable(`keeps ${fraction(column)} digits of a second, the source 4: use TIME(4)`) : undefined;
    case 'timestamp':
      if (t === 'timestamp') return type('is TIMESTAMP, which MySQL converts through the session time zone (and ends in 2038): use DATETIME(4)');
      if (t !== 'datetime') return type('is not DATETIME');
      return fraction(column) < 4 && !source.round ? roundable(`keeps ${fraction(column)} digits of a second, the source 4: use DATETIME(4)`) : undefined;
    case 'text':
      return textMisfit(shape, source.key, column);
    case 'binary':
      return binaryMisfit(shape, column);
  }
}

function textMisfit(shape: Extract<ValueShape, { kind: 'text' }>, key: boolean, column: MysqlColumn): Misfit | undefined {
  const t = column.dataType;
  const perChar = utf8BytesPerChar(shape.charset);
  const charset = (column.charset ?? '').toLowerCase();
  if (t !== 'char' && t !== 'varchar' && !(t in TEXT_BYTES)) return type('is not a text type (CHAR, VARCHAR, TEXT)');
  if (t === 'char' && !shape.fixed) return type(`is CHAR, which drops the trailing blanks a ${shape.length === undefined ? 'BLOB' : 'VARCHAR'} keeps`);
  if (key && !isBinaryCollation(column.collation)) {
    return type(`is a key column with collation ${column.collation}, under which keys that differ only in case or accents collide: use utf8mb4_bin`);
  }
  const held = charsetMisfit(charset, shape.charset, perChar, key);
  if (held) return held;
  const what = shape.length === undefined ? 'a BLOB, of any length' : `${shape.length} characters`;
  if (t === 'char' || t === 'varchar') {
    const max = column.maxLength ?? 0;
    if (shape.length === undefined || max < shape.length) return size(`holds ${max} characters, the source ${what}`);
    return undefined;
  }
  const bytes = TEXT_BYTES[t]!;
  if (shape.length === undefined ? bytes < TEXT_BYTES.longtext! : bytes < shape.length * perChar) {
    return size(`holds ${bytes.toLocaleString('en-US')} bytes, the source ${what}${shape.length === undefined ? '' : ` (up to ${(shape.length * perChar).toLocaleString('en-US')} bytes in UTF-8)`}`);
  }
  return undefined;
}

/**
 * A character set narrower than the source is accepted on purpose: a value with a character the
 * column lacks becomes a rejected row (see ColumnSpec.narrowCharset). Refused only for a key
 * column in a set fbsync has no table of, whose byte order it cannot match with Firebird's.
 */
function charsetMisfit(mysqlCharset: string, firebirdCharset: string, perChar: number, key: boolean): Misfit | undefined {
  if (charsetHoldsEvery(mysqlCharset, firebirdCharset, perChar) || !key || isCheckedCharset(mysqlCharset)) return undefined;
  return type(`is a key column in ${mysqlCharset || 'an unknown character set'}, which fbsync cannot check keys against: use utf8mb4 with utf8mb4_bin`);
}

function binaryMisfit(shape: Extract<ValueShape, { kind: 'binary' }>, column: MysqlColumn): Misfit | undefined {
  const t = column.dataType;
  const what = shape.length === undefined ? 'a BLOB, of any length' : `${shape.length} bytes`;
  const max = column.maxLength ?? 0;
  if (t === 'binary') {
    // BINARY(n) pads every value with zero bytes to n; only fixed-size values of n bytes come back unchanged.
    if (!shape.fixed || shape.length === undefined) return type('is BINARY, which pads values with zero bytes: use VARBINARY or a BLOB type');
    if (max > shape.length) return type(`is BINARY(${max}), which pads the source's ${shape.length}-byte values with zero bytes`);
    return max < shape.length ? size(`holds ${max} bytes, the source ${what}`) : undefined;
  }
  if (t === 'varbinary') return shape.length === undefined || max < shape.length ? size(`holds ${max} bytes, the source ${what}`) : undefined;
  const bytes = BLOB_BYTES[t];
  if (bytes === undefined) return type('is not a binary type (BINARY, VARBINARY, BLOB)');
  if (shape.length === undefined ? bytes < BLOB_BYTES.longblob! : bytes < shape.length) return size(`holds ${bytes.toLocaleString('en-US')} bytes, the source ${what}`);
  return undefined;
}

/** `utf8mb4_bin`, `utf8mb4_0900_bin`, `utf8mb4_nopad_bin`, `binary`: keys compare byte for byte. */
export function isBinaryCollation(collation: string | null): boolean {
  return collation !== null && (/_bin$/i.test(collation) || collation.toLowerCase() === 'binary');
}

/**
 * Digits after the point the column keeps, where that is fewer than the source has and fbsync
 * may round to them (`roundToTarget`): a DECIMAL with fewer decimals, an integer column for a
 * scaled NUMERIC, a TIME or DATETIME with fewer than Firebird's 4 digits of a second. Undefined
 * for every other pair (a TIMESTAMP column stays refused: its values move with time zones).
 */
export function roundedDigits(shape: ValueShape, column: MysqlColumn): number | undefined {
  const t = column.dataType;
  if (shape.kind === 'decimal') {
    if (t === 'decimal') return (column.scale ?? 0) < shape.scale ? (column.scale ?? 0) : undefined;
    return INT_BITS[t] && shape.scale > 0 ? 0 : undefined;
  }
  if ((shape.kind === 'time' && t === 'time') || (shape.kind === 'timestamp' && t === 'datetime')) return fraction(column) < 4 ? fraction(column) : undefined;
  return undefined;
}

function integerDigits(column: MysqlColumn): number {
  return (column.precision ?? 10) - (column.scale ?? 0);
}

function fraction(column: MysqlColumn): number {
  return column.fractionDigits ?? 0;
}

/**
 * `maxChars` for a CHAR or VARCHAR target narrower than the text it takes, and `narrowCharset`
 * for a text column in a character set that lacks some of the source's characters (see
 * ColumnSpec). Strict mode refuses a longer value, unless only blanks stick out: those it cuts
 * with a note.
 */
export function narrower(shape: ValueShape | undefined, column: MysqlColumn): { maxChars?: number; narrowCharset?: string } {
  if (shape?.kind !== 'text') return {};
  const charset = column.charset ?? '';
  const narrowCharset = !charset || charsetHoldsEvery(charset, shape.charset, utf8BytesPerChar(shape.charset)) ? {} : { narrowCharset: charset.toLowerCase() };
  if ((column.dataType !== 'char' && column.dataType !== 'varchar') || column.maxLength == null) return narrowCharset;
  return shape.length === undefined || column.maxLength < shape.length ? { maxChars: column.maxLength, ...narrowCharset } : narrowCharset;
}

/** The first value of `row` longer than its column holds (see ColumnSpec.maxChars), if any. */
export function tooLong(columns: readonly { target: string; maxChars?: number }[], row: readonly unknown[]): { column: string; chars: number; max: number } | undefined {
  for (let i = 0; i < columns.length; i++) {
    const max = columns[i]!.maxChars;
    const v = row[i];
    // UTF-16 units are never fewer than characters: only a long string needs counting.
    if (max === undefined || typeof v !== 'string' || v.length <= max) continue;
    const chars = [...v].length;
    if (chars > max) return { column: columns[i]!.target, chars, max };
  }
  return undefined;
}
