import type { ValueKind, Value } from './values.js';
import type { ColumnRead } from './column-read.js';
import type { ValueShape } from './shape.js';

/** One column as fbsync copies it: where it comes from, where it goes, and how to compare it. */
export interface ColumnSpec {
  /** Column name in the Firebird table. */
  source: string;
  /** Column name in the MySQL table. */
  target: string;
  kind: ValueKind;
  /** Firebird's declared type, for messages (`VARCHAR(100) CHARACTER SET WIN1252`). */
  sourceType: string;
  nullable: boolean;
  /**
   * The MySQL column's type as the target declares it (`varchar(40)`), where planned against an
   * existing table: notes of versions taken against another type are not trusted.
   */
  targetType?: string;
  /** Which values the column holds; planned tables always say, hand-built ones may leave it out. */
  shape?: ValueShape;
  /**
   * How the Firebird source reads the column (select expression, CHAR padding, BLOB fetch, text
   * read as bytes and decoded in `decode`, short BLOBs read inline) and passes a key value to
   * compare with it (`param`, `?` when absent).
   */
  firebird: ColumnRead;
  /**
   * Characters the MySQL column holds, where that is fewer than the source may have (a CHAR or
   * VARCHAR narrower than the source). Longer values are rejected before MySQL sees them: of a
   * value too long only by trailing blanks, strict mode cuts the blanks with a note, no error.
   */
  maxChars?: number;
  /**
   * Digits the MySQL column keeps after the point, where that is fewer than the source has and
   * fbsync was told to round to it (`roundToTarget`): a DECIMAL's decimals (0 for an integer
   * column), a TIME's or DATETIME's digits of a second. Source values are cut to it before the
   * diff (see core/rounding.ts), so they compare and are written as MySQL stores them.
   */
  round?: number;
  /**
   * The MySQL column's character set (`latin1`, `cp1250`, `ascii`, …), where it lacks some
   * characters the source may have. A value with such a character is rejected before MySQL sees
   * it, naming the character: outside strict mode, and in LOAD DATA, MySQL would write `?`.
   */
  narrowCharset?: string;
}

/**
 * A table as the pipeline sees it. Rows travel as arrays in `columns` order, which is cheaper
 * than objects and is what a multi-value INSERT wants anyway.
 */
export interface TableSpec {
  /** Firebird table name. */
  source: string;
  /** MySQL table name. */
  target: string;
  columns: ColumnSpec[];
  /** Indexes into `columns` of the primary key, in key order. */
  key: number[];
  /**
   * A DATETIME column of the target alone (`softDelete`): set when the source lost the row, NULL
   * while it has it. The target reader reads it after `columns`, so a target row holds one more
   * value than a source row; the sink clears it on every upsert and sets it instead of deleting.
   */
  softDelete?: string;
}

export type Row = Value[];
export type Key = Value[];

export function keyOf(table: TableSpec, row: Row): Key {
  return table.key.map((i) => row[i] ?? null);
}

export function keyKinds(table: TableSpec): ValueKind[] {
  return table.key.map((i) => table.columns[i]!.kind);
}

/** `TB_ESTOQUE(ID=42)` style, for messages and reject reports. */
export function describeKey(table: TableSpec, key: Key): string {
  const parts = table.key.map((i, n) => `${table.columns[i]!.source}=${formatKeyValue(key[n] ?? null, table.columns[i]!.kind)}`);
  return `${table.source}(${parts.join(', ')})`;
}

/** Numbers bare, even those that travel as strings to stay exact (BIGINT, NUMERIC); text quoted. */
function formatKeyValue(v: Value, kind: ValueKind): string {
  if (Buffer.isBuffer(v)) return `0x${v.toString('hex')}`;
  if (typeof v === 'string' && (kind === 'bigint' || kind === 'decimal')) return v;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
