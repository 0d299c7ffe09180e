/**
 * Text in single-byte character sets, decoded in node rather than by the server.
 *
 * Over the UTF8 connection Firebird transliterates every text value of a WIN1252 or ISO8859_1
 * column to UTF-8 as it sends it, a large share of the CPU Firebird spends sending rows. Read as
 * OCTETS instead, the bytes cross unchanged and node turns them into text for a fraction of that
 * (docs/performance.md#measurements-behind-the-design).
 *
 * The decoding here is Firebird 3's own, checked against the server for all 256 bytes
 * (spec/integration/single-byte.spec.ts): ISO8859_1 is byte = code point, and WIN1252 differs
 * only in 0x80-0x9F, where the five bytes Windows leaves undefined (81, 8D, 8F, 90, 9D) become
 * U+0000 as the server makes them. Not node's TextDecoder: Node 20's 'windows-1252' decodes as
 * latin1 (0x80 gives U+0080, not €).
 */

import type { SingleByteCharset } from '../core/column-read.js';
import { WIN1252_80_9F as WIN1252_CODES } from '../core/win1252.js';

export type { SingleByteCharset };

export function isSingleByteCharset(charset: string | undefined): charset is SingleByteCharset {
  return charset === 'WIN1252' || charset === 'ISO8859_1';
}

/** WIN1252 bytes 0x80-0x9F as Firebird 3 transliterates them. */
const WIN1252_80_9F = WIN1252_CODES.map((code) => String.fromCharCode(code));

const HAS_C1 = /[\x80-\x9f]/;

/** Every byte as a one-character value in each set: a CHAR(1) flag costs a look-up, not a call into node. */
const ONE_BYTE: Record<SingleByteCharset, readonly string[]> = {
  ISO8859_1: Array.from({ length: 256 }, (_, b) => String.fromCharCode(b)),
  WIN1252: Array.from({ length: 256 }, (_, b) => (b >= 0x80 && b < 0xa0 ? WIN1252_80_9F[b - 0x80]! : String.fromCharCode(b))),
};

export function decodeSingleByte(charset: SingleByteCharset, bytes: Buffer): string {
  if (bytes.length === 1) return ONE_BYTE[charset][bytes[0]!]!;
  const latin1 = bytes.toString('latin1');
  // Most text holds no byte in 0x80-0x9F (accented letters are above it): one native scan.
  if (charset !== 'WIN1252' || !HAS_C1.test(latin1)) return latin1;
  // Those bytes (€, dashes, curly quotes) are few in a value: the text between them is taken
  // as decoded, for less than a regular expression replace calling back for each. Joined, not
  // concatenated: the value is one flat string, not a tree of pieces, for as long as its row
  // is in flight.
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80 && b < 0xa0) {
      parts.push(latin1.slice(from, i), WIN1252_80_9F[b - 0x80]!);
      from = i + 1;
    }
  }
  parts.push(latin1.slice(from));
  return parts.join('');
}
