import type { Value } from './values.js';

/** Estimated bytes of a value in SQL text: quotes, commas and hex included, escapes not. */
export function valueBytes(v: Value): number {
  if (v === null) return 5;
  if (typeof v === 'string') return utf8Bytes(v) + 3;
  if (typeof v === 'number') return 24;
  if (typeof v === 'boolean') return 6;
  return v.length * 2 + 4;
}

/** Past this many UTF-16 units node's native count beats a loop here. */
const COUNTED_HERE = 256;

/**
 * A string's bytes in UTF-8, exactly as Buffer.byteLength counts them (a lone surrogate as the
 * three bytes of U+FFFD). Every row of every batch is sized, and for the short text of most
 * columns a loop costs a fraction of the call into node.
 */
export function utf8Bytes(s: string): number {
  const n = s.length;
  if (n > COUNTED_HERE) return Buffer.byteLength(s, 'utf8');
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: two units, four bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

export function rowBytes(row: readonly Value[]): number {
  let n = 4;
  for (let i = 0; i < row.length; i++) n += valueBytes(row[i]!);
  return n;
}
