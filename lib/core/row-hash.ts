import type { ColumnSpec, Row, TableSpec } from './table.js';
import type { Value } from './values.js';

/**
 * The checksum `verify` computes over a key range on both sides: Firebird in SQL over its own
 * rows (firebird/checksum.ts), fbsync here over the MySQL rows as the sync's target reader reads
 * them. Both must give the same numbers for rows a sync would leave unchanged, so this file
 * spells out exactly what Firebird computes (docs/verify.md):
 *
 * - Firebird 3's only hash is HASH(): PJW over the bytes of a value's text (64-bit state, the
 *   top nibble folded back in), `pjw` below. A column's text is Firebird's own conversion to
 *   text (`12.500`, `2024-01-02 03:04:05.1230`, `TRUE`), CHAR without its padding, text in the
 *   column's character set.
 * - PJW shifts 4 bits per 8-bit byte, so two edits of neighbouring bytes can cancel (`aq` and
 *   `ba` hash alike); every value is therefore also hashed reversed, which no such pair survives.
 * - Each hash is reduced modulo a prime below 2^31 of its column's own (a NULL's term is that
 *   prime, which no residue equals); a row's residues are added up, XORed with the key's hash
 *   (binding them to the row) and reduced again, plus the key's hash reduced. A range's
 *   checksum is its row count and the sums of those row terms, forward and reversed, each exact
 *   in a BIGINT.
 */

/** Moduli of the terms: primes below 2^31, one per column position (cycled), forward and reversed. */
const PRIMES = [2147483647, 2147483629, 2147483587, 2147483579, 2147483563, 2147483549, 2147483543, 2147483497, 2147483489, 2147483477, 2147483423, 2147483399, 2147483353, 2147483323, 2147483269, 2147483249];
const REVERSED = [2147483237, 2147483179, 2147483171, 2147483137, 2147483123, 2147483077, 2147483069, 2147483059, 2147483053, 2147483033, 2147483029, 2147482951, 2147482949, 2147482943, 2147482937, 2147482921];

export const forwardPrime = (position: number) => PRIMES[position % PRIMES.length]!;
export const reversedPrime = (position: number) => REVERSED[position % REVERSED.length]!;
/** A composite key's parts are each reduced modulo this and weighted by position. */
export const KEY_PART_PRIME = 2147482877;
/** The key's own term is its hash modulo this. */
export const KEY_PRIME = 2147482873;
/** Columns past the 16th share primes; a weight of their own keeps them apart. */
export const columnWeight = (position: number) => 1 + Math.floor(position / PRIMES.length);

/** A range's checksum: rows, and the sums of the forward and the reversed terms. */
export interface Checksum {
  rows: number;
  forward: bigint;
  reversed: bigint;
}

export function sameChecksum(a: Checksum, b: Checksum): boolean {
  return a.rows === b.rows && a.forward === b.forward && a.reversed === b.reversed;
}

/** HASH() results, hi * 2^32 + lo: module variables, so that hashing a value allocates nothing. */
let hi = 0;
let lo = 0;
/** The bytes of the value being hashed. */
let scratch = new Uint8Array(4096);

/** Firebird 3's HASH() (src/jrd/SysFunction.cpp, evlHash) over scratch[0, n), into hi/lo. */
function pjwScratch(n: number, bytes: Uint8Array = scratch): void {
  let h = 0;
  let l = 0;
  for (let i = 0; i < n; i++) {
    // h = (h << 4) + byte
    h = ((h << 4) | (l >>> 28)) >>> 0;
    l = ((l << 4) >>> 0) + bytes[i]!;
    if (l > 0xffffffff) {
      l -= 0x100000000;
      h = (h + 1) >>> 0;
    }
    // n = h & 0xF000000000000000; if (n) h ^= n >> 56; h &= ~n. The shift is a signed one: with
    // the top bit set it fills bits 8-63 with ones, so the result keeps bits 60-62 n had clear.
    const top = h & 0xf0000000;
    if (top !== 0) {
      l = (l ^ (top >> 24)) >>> 0;
      if (top < 0) h = (h ^ 0xffffffff) >>> 0;
      h = (h & ~top) >>> 0;
    }
  }
  hi = h;
  lo = l;
}

/** The reversed bytes, for REVERSE(). */
let backwards = new Uint8Array(4096);

function room(n: number): void {
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, 2 * scratch.length));
}

/** Forward hash of the last value encoded (hi/lo), kept while the reversed one is computed. */
let fhi = 0;
let flo = 0;

/**
 * HASH() of the text into fhi/flo and of REVERSE() of it into hi/lo, encoding it once; false
 * when the text has a character the set lacks. REVERSE() keeps UTF-8 characters whole.
 */
export function hashBoth(text: string | Buffer, encoding: TextEncoding): boolean {
  let n: number;
  if (Buffer.isBuffer(text) && !(encoding.kind === 'utf8')) {
    room(text.length);
    scratch.set(text, 0);
    n = text.length;
  } else {
    if (!hashText(Buffer.isBuffer(text) ? text.toString('utf8') : text, encoding, false)) return false;
    n = encodedLength;
  }
  pjwScratch(n);
  fhi = hi;
  flo = lo;
  if (backwards.length < n) backwards = new Uint8Array(Math.max(n, 2 * backwards.length));
  const b = backwards;
  const f = scratch;
  if (encoding.kind === 'utf8') {
    let at = 0;
    let end = n;
    while (end > 0) {
      let start = end - 1;
      while (start > 0 && (f[start]! & 0xc0) === 0x80) start--;
      for (let i = start; i < end; i++) b[at++] = f[i]!;
      end = start;
    }
  } else for (let i = 0; i < n; i++) b[i] = f[n - 1 - i]!;
  pjwScratch(n, b);
  return true;
}

/** Bytes hashText put in scratch. */
let encodedLength = 0;

/** A code point's UTF-8 bytes at scratch[at]; returns the next position. */
function putUtf8(cp: number, at: number): number {
  if (cp < 0x80) scratch[at++] = cp;
  else if (cp < 0x800) {
    scratch[at++] = 0xc0 | (cp >> 6);
    scratch[at++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    scratch[at++] = 0xe0 | (cp >> 12);
    scratch[at++] = 0x80 | ((cp >> 6) & 0x3f);
    scratch[at++] = 0x80 | (cp & 0x3f);
  } else {
    scratch[at++] = 0xf0 | (cp >> 18);
    scratch[at++] = 0x80 | ((cp >> 12) & 0x3f);
    scratch[at++] = 0x80 | ((cp >> 6) & 0x3f);
    scratch[at++] = 0x80 | (cp & 0x3f);
  }
  return at;
}

/**
 * How a value's text becomes the bytes Firebird hashes: ASCII text (numbers, dates), a
 * single-byte set (a code point → byte table; undefined: not in the set), UTF-8, or bytes.
 */
export type TextEncoding = { kind: 'ascii' } | { kind: 'single'; encode: (code: number) => number | undefined } | { kind: 'utf8' } | { kind: 'bytes' };

/**
 * HASH() of the text (`reversed`: of REVERSE() of it, which reverses characters, UTF-8 ones
 * whole) into hi/lo; false when the text has a character the set lacks.
 */
export function hashText(text: string | Buffer, encoding: TextEncoding, reversed: boolean): boolean {
  let n = 0;
  if (Buffer.isBuffer(text)) {
    if (encoding.kind === 'utf8' && reversed) text = text.toString('utf8');
    else {
      room(text.length);
      if (reversed) for (let i = text.length - 1; i >= 0; i--) scratch[n++] = text[i]!;
      else scratch.set(text, 0);
      encodedLength = text.length;
      pjwScratch(text.length);
      return true;
    }
  }
  const s = text;
  const len = s.length;
  if (encoding.kind === 'ascii' || encoding.kind === 'single') {
    room(len);
    const encode = encoding.kind === 'single' ? encoding.encode : undefined;
    for (let j = 0; j < len; j++) {
      const c = s.charCodeAt(reversed ? len - 1 - j : j);
      if (c < 0x80) scratch[j] = c;
      else {
        const b = encode?.(c);
        if (b === undefined) return false;
        scratch[j] = b;
      }
    }
    encodedLength = len;
    pjwScratch(len);
    return true;
  }
  room(4 * len);
  if (!reversed) {
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) scratch[n++] = c;
      else {
        const cp = s.codePointAt(i)!;
        if (cp > 0xffff) i++;
        n = putUtf8(cp, n);
      }
    }
  } else {
    for (let i = len - 1; i >= 0; i--) {
      let cp = s.charCodeAt(i);
      if (cp >= 0xdc00 && cp <= 0xdfff && i > 0) {
        const high = s.charCodeAt(i - 1);
        if (high >= 0xd800 && high <= 0xdbff) {
          cp = (high - 0xd800) * 0x400 + (cp - 0xdc00) + 0x10000;
          i--;
        }
      }
      if (cp < 0x80) scratch[n++] = cp;
      else n = putUtf8(cp, n);
    }
  }
  encodedLength = n;
  pjwScratch(n);
  return true;
}

/** HASH() of a string in UTF-8 or of bytes, as a bigint (for specs and checks). */
export function pjw64(text: string | Buffer, reversed = false, encoding: TextEncoding = { kind: 'utf8' }): bigint {
  if (!hashText(text, encoding, reversed)) throw new RangeError('text not in its character set');
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * (h * 2^32 + l) mod p, exactly, for the primes here: each is 2^31 - d with d < 2^10, so 2^32 mod p
 * is 2d and h * 2d + l stays below 2^53.
 */
function mod64(h: number, l: number, p: number): number {
  const x = h * 2 * (0x80000000 - p) + l;
  // Division and floor rather than `%`, which V8 computes with a slow fmod for numbers this large.
  const r = x - Math.floor(x / p) * p;
  return r < 0 ? r + p : r >= p ? r - p : r;
}

/** A column's text for hashing: the value's text as Firebird writes it, and its encoding. */
export interface HashedColumn {
  /** The text, or undefined when the value cannot be one Firebird has (more decimals than its scale…). */
  text: (value: Exclude<Value, null>) => string | Buffer | undefined;
  encoding: TextEncoding;
}

/** How each hashed column of a table turns MySQL values into Firebird's checksum terms. */
export interface RowHasher {
  /** Columns compared by value instead (floats, sets fbsync does not encode…): why. */
  unhashable: { column: string; why: string }[];
  /** The checksum of target rows; undefined when a value cannot be Firebird's (the range then differs). */
  sum(rows: readonly Row[]): Checksum | undefined;
}

export function rowHasher(table: TableSpec, hashOf: (column: ColumnSpec) => HashedColumn | string): RowHasher {
  const plans = table.columns.map((c) => hashOf(c));
  const unhashable = table.columns.flatMap((c, i) => (typeof plans[i] === 'string' ? [{ column: c.source, why: plans[i] as string }] : []));
  const keySet = new Set(table.key);
  const values = table.columns.map((_, i) => i).filter((i) => !keySet.has(i) && typeof plans[i] !== 'string');
  const hashed = (i: number) => plans[i] as HashedColumn;
  const single = table.key.length === 1;
  /** Both sums' terms of a row into `terms`; false when a value cannot be Firebird's. */
  const terms = [0, 0];
  const rowTerms = (row: Row): boolean => {
    let kfh = 0;
    let kfl = 0;
    let krh = 0;
    let krl = 0;
    let fparts = 0;
    let rparts = 0;
    for (let n = 0; n < table.key.length; n++) {
      const i = table.key[n]!;
      const text = hashed(i).text(row[i]!);
      if (text === undefined || !hashBoth(text, hashed(i).encoding)) return false;
      if (single) {
        kfh = fhi;
        kfl = flo;
        krh = hi;
        krl = lo;
      } else {
        fparts += (n + 1) * mod64(fhi, flo, KEY_PART_PRIME);
        rparts += (n + 1) * mod64(hi, lo, KEY_PART_PRIME);
      }
    }
    if (!single) {
      kfh = Math.floor(fparts / 0x100000000);
      kfl = fparts % 0x100000000;
      krh = Math.floor(rparts / 0x100000000);
      krl = rparts % 0x100000000;
    }
    // The row's columns, each its residue (NULL: the prime) times its weight; then bound to the key.
    let fcols = 0;
    let rcols = 0;
    for (const i of values) {
      const v = row[i];
      const w = columnWeight(i + 1);
      const pf = forwardPrime(i + 1);
      const pr = reversedPrime(i + 1);
      if (v === null || v === undefined) {
        fcols += pf * w;
        rcols += pr * w;
        continue;
      }
      const text = hashed(i).text(v);
      if (text === undefined || !hashBoth(text, hashed(i).encoding)) return false;
      fcols += mod64(fhi, flo, pf) * w;
      rcols += mod64(hi, lo, pr) * w;
    }
    terms[0] = mod64((Math.floor(fcols / 0x100000000) ^ kfh) >>> 0, ((fcols % 0x100000000) ^ kfl) >>> 0, forwardPrime(0)) + mod64(kfh, kfl, KEY_PRIME);
    terms[1] = mod64((Math.floor(rcols / 0x100000000) ^ krh) >>> 0, ((rcols % 0x100000000) ^ krl) >>> 0, reversedPrime(0)) + mod64(krh, krl, KEY_PRIME);
    return true;
  };
  const sum = (rows: readonly Row[]): Checksum | undefined => {
    const total: Checksum = { rows: rows.length, forward: 0n, reversed: 0n };
    // Sums of up to 1,000 rows' terms stay far below 2^53; then they go into the bigints.
    for (let from = 0; from < rows.length; from += 1000) {
      let f = 0;
      let r = 0;
      for (let j = from; j < Math.min(rows.length, from + 1000); j++) {
        if (!rowTerms(rows[j]!)) return undefined;
        f += terms[0]!;
        r += terms[1]!;
      }
      total.forward += BigInt(f);
      total.reversed += BigInt(r);
    }
    return total;
  };
  return { unhashable, sum };
}
