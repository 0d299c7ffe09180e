import type { ColumnSpec } from './table.js';
import { WIN1252_80_9F } from './win1252.js';
import { asIs, booleanText, decimalText, integerText, temporalText, type HashedColumn, type TextEncoding } from './row-hash.js';

/**
 * Which bytes Firebird's HASH() sees for a column read by the sync's own select expression
 * (ColumnSpec.firebird.select), and how fbsync makes the same bytes from a MySQL value; or why
 * it cannot (then `verify` compares the column's values instead).
 */

const WIN1252_BYTE = new Map<number, number>(WIN1252_80_9F.flatMap((code, i) => (code === 0 ? [] : [[code, 0x80 + i] as [number, number]])));
const WIN1252: TextEncoding = { kind: 'single', encode: (code) => (code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : WIN1252_BYTE.get(code)) };
const LATIN1: TextEncoding = { kind: 'single', encode: (code) => (code <= 0xff ? code : undefined) };
const ASCII: TextEncoding = { kind: 'ascii' };
const UTF8: TextEncoding = { kind: 'utf8' };

/** The encoding of text in these sets; others are compared by value. */
function encodingOf(charset: string | undefined): TextEncoding | undefined {
  switch (charset) {
    case 'UTF8':
    case 'UNICODE_FSS':
      return UTF8;
    case 'WIN1252':
      return WIN1252;
    case 'ISO8859_1':
      return LATIN1;
    case 'ASCII':
      return ASCII;
    default:
      return undefined;
  }
}

export function columnHash(column: ColumnSpec): HashedColumn | string {
  if (column.round !== undefined) return 'rounded to the MySQL column (`roundToTarget`)';
  const shape = column.shape;
  switch (column.kind) {
    case 'integer':
    case 'bigint':
      return { text: integerText, encoding: ASCII };
    case 'decimal':
      return shape?.kind === 'decimal' ? { text: decimalText(shape.scale), encoding: ASCII } : 'a NUMERIC of unknown scale';
    case 'boolean':
      return { text: booleanText, encoding: ASCII };
    case 'date':
      return { text: temporalText(0), encoding: ASCII };
    case 'time':
    case 'timestamp':
      return { text: temporalText(4), encoding: ASCII };
    case 'float':
    case 'double':
      return 'Firebird writes floating-point numbers in a form of its own';
    case 'binary':
      return { text: asIs, encoding: { kind: 'bytes' } };
    case 'text': {
      // Single-byte text the sync reads as bytes: its select casts to OCTETS, so HASH sees those bytes.
      const encoding = encodingOf(column.firebird.decode ?? (shape?.kind === 'text' ? shape.charset : undefined));
      return encoding ? { text: asIs, encoding } : `text in ${shape?.kind === 'text' ? shape.charset : 'a character set'} fbsync does not encode itself`;
    }
  }
}
