import type { ColumnSpec } from './table.js';
import { WIN1252_80_9F } from './win1252.js';
import type { HashedColumn, TextEncoding } from './row-hash.js';
import { canonicalDecimal, canonicalTemporal, type Value } from './values.js';

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

/** Text of an integer as Firebird writes it. */
export const integerText = (v: Exclude<Value, null>) => canonicalDecimal(v as string | number);

/** NUMERIC(p, s) as Firebird writes it: exactly `scale` digits after the point (none for 0). */
export function decimalText(scale: number): HashedColumn['text'] {
  return (v) => {
    // As MySQL sends a DECIMAL of the same scale: already Firebird's text.
    if (typeof v === 'string' && scale > 0 && v.length > scale + 1 && v.charCodeAt(v.length - scale - 1) === 46 && v.charCodeAt(0) !== 48 && v.charCodeAt(0) !== 43 && !(v.charCodeAt(0) === 45 && v.charCodeAt(1) === 48 && v.length > 2 && v.charCodeAt(2) !== 46)) return v;
    const d = canonicalDecimal(v as string | number);
    const dot = d.indexOf('.');
    const frac = dot < 0 ? '' : d.slice(dot + 1);
    if (frac.length > scale) return undefined;
    if (scale === 0) return d;
    return `${dot < 0 ? d : d.slice(0, dot)}.${frac.padEnd(scale, '0')}`;
  };
}

/** TIME and TIMESTAMP as Firebird writes them: four digits of a second; DATE as it is. */
export function temporalText(digits: number): HashedColumn['text'] {
  return (v) => {
    // As MySQL sends a DATETIME(4) or TIME(4): already Firebird's text.
    if (digits > 0 && typeof v === 'string' && v.charCodeAt(v.length - digits - 1) === 46 && v.indexOf('.') === v.length - digits - 1) return v;
    const s = canonicalTemporal(Buffer.isBuffer(v) ? v.toString('latin1') : String(v));
    if (digits === 0) return s;
    const dot = s.indexOf('.');
    const frac = dot < 0 ? '' : s.slice(dot + 1);
    if (frac.length > digits) return undefined;
    return `${dot < 0 ? s : s.slice(0, dot)}.${frac.padEnd(digits, '0')}`;
  };
}

export const booleanText = (v: Exclude<Value, null>) => ((typeof v === 'boolean' ? v : Number(v) !== 0) ? 'TRUE' : 'FALSE');

/** Text and bytes as they come. */
export const asIs = (v: Exclude<Value, null>) => (typeof v === 'string' || Buffer.isBuffer(v) ? v : String(v));
