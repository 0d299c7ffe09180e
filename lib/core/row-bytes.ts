import type { Value } from './values.js';

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

