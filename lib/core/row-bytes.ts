import type { Value } from './values.js';
import type { ColumnSpec } from './table.js';

/** Estimated bytes of a value in SQL text: quotes, commas and hex included, escapes not. */
export function valueBytes(v: Value): number {
  if (v === null) return 5;
  if (typeof v === 'string') return v.length < 64 && isAsciiShort(v) ? v.length + 3 : Buffer.byteLength(v) + 3;
  if (typeof v === 'number') return 24;
  if (typeof v === 'boolean') return 6;
  return v.length * 2 + 4;
}

function isAsciiShort(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function rowBytes(row: readonly Value[]): number {
  let n = 4;
  for (const v of row) n += valueBytes(v);
  return n;
}


/**
 * The most valueBytes any value of the column can come to, from its declared shape: text and
 * bytes by their declared length (4 UTF-8 bytes a character covers every character set), the
 * rest by the longest spelling fbsync reads them in. Undefined where nothing bounds it: a BLOB,
 * or a hand-built column without a shape.
 */
export function columnMaxBytes(column: ColumnSpec): number | undefined {
  const shape = column.shape;
  if (!shape) return undefined;
  switch (shape.kind) {
    case 'text':
      return shape.length === undefined ? undefined : shape.length * 4 + 3;
    case 'binary':
      return shape.length === undefined ? undefined : shape.length * 2 + 4;
    case 'decimal':
      // Digits, sign and point as text, or a number.
      return Math.max(24, shape.digits + 5);
    case 'integer':
    case 'bigint':
    case 'boolean':
      return 24;
    default:
      // Floats as numbers, dates and times as text of at most 29 characters.
      return 32;
  }
}

/** The most rowBytes a row of these columns can come to, or undefined when some column is unbounded. */
export function rowMaxBytes(columns: readonly ColumnSpec[]): number | undefined {
  let n = 4;
  for (const column of columns) {
    const most = columnMaxBytes(column);
    if (most === undefined) return undefined;
    n += most;
  }
  return n;
}
