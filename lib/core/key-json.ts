import type { Key } from './table.js';

/** Keys as JSON text, as the target's bookkeeping tables keep them (checkpoints, notes of versions). */

/** Binary key parts survive the JSON round trip as {"$hex": "…"}. */
export function encodeKeyParts(key: Key): unknown[] {
  return key.map((v) => (Buffer.isBuffer(v) ? { $hex: v.toString('hex') } : v));
}

export function encodeKey(key: Key): string {
  return JSON.stringify(encodeKeyParts(key));
}

/** A key from encodeKey's text, or from encodeKeyParts's array already parsed. */
export function decodeKey(encoded: string | unknown[]): Key {
  const parts = typeof encoded === 'string' ? (JSON.parse(encoded) as unknown[]) : encoded;
  return parts.map((v) =>
    v && typeof v === 'object' && '$hex' in v ? Buffer.from(String((v as { $hex: string }).$hex), 'hex') : (v as Key[number]),
  );
}

