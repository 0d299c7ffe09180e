/**
 * Which values a column can hold, in neither database's words: the Firebird metadata says it
 * once, and both the MySQL type fbsync creates and the check of an existing MySQL column are
 * derived from it, so they can never disagree.
 */
export type ValueShape =
  /** SMALLINT (16 bits) or INTEGER (32 bits). */
  | { kind: 'integer'; bits: 16 | 32 }
  | { kind: 'bigint' }
  /**
   * NUMERIC/DECIMAL(precision, scale). Firebird enforces only its storage (SMALLINT, INTEGER or
   * BIGINT), not the declared precision: a NUMERIC(4,1) holds 3276.7, a NUMERIC(18,4)
   * 922337203685477.5807. `digits` is what the storage holds, so a created column takes every value.
   */
  | { kind: 'decimal'; precision: number; scale: number; digits: number }
  | { kind: 'float' }
  | { kind: 'double' }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'time' }
  | { kind: 'timestamp' }
  /**
   * Text. `length` in characters, undefined for a BLOB (no declared bound); `fixed` for CHAR, whose
   * blank padding fbsync removes; `charset` is the Firebird character set the characters come
   * from, which bounds their size in UTF-8.
   */
  | { kind: 'text'; length?: number; fixed: boolean; charset: string }
  /**
   * Bytes. `length` in bytes, undefined for a BLOB; `fixed` when every value has exactly `length`
   * bytes (CHAR(n) CHARACTER SET OCTETS, padded with zero bytes, which MySQL's BINARY(n) mirrors).
   */
  | { kind: 'binary'; length?: number; fixed: boolean };

/** Decimal digits each Firebird integer storage holds: 32767, 2147483647, 9223372036854775807. */
export const STORAGE_DIGITS = { SMALLINT: 5, INTEGER: 10, BIGINT: 19 } as const;

/**
 * The most bytes one character of a Firebird character set takes in UTF-8 (and so in MySQL's
 * utf8mb4): 1 for ASCII, 4 where characters outside the Basic Multilingual Plane exist (UTF8,
 * GB18030), 3 for every other set, whose characters all lie in the BMP.
 */
export function utf8BytesPerChar(charset: string): number {
  switch (charset.toUpperCase()) {
    case 'ASCII':
      return 1;
    case 'UTF8':
    case 'GB18030':
      return 4;
    default:
      return 3;
  }
}
