/**
 * Which characters a MySQL character set holds, so that a value with one it lacks becomes a
 * rejected row instead of a `?` (which MySQL writes outside strict mode, and LOAD DATA always).
 *
 * Single-byte sets are tables of their 256 bytes as MySQL maps them to Unicode. Each was checked
 * against MariaDB 10.11 for every character of the Basic Multilingual Plane and every byte
 * (spec/integration/narrower-charsets.spec.ts): where the WHATWG decoder of Node's TextDecoder
 * maps a byte as MySQL does it is used, minus the bytes MySQL leaves undefined (they read back
 * as `?`). MySQL's latin1 is Windows-1252 — `€` is 0x80 — with its five undefined bytes 0x81,
 * 0x8D, 0x8F, 0x90, 0x9D kept as U+0081 … U+009D; it is spelled out here, as Node 20's
 * 'windows-1252' decoder decodes as ISO-8859-1.
 */

/** How a MySQL column's character set compares with the text it takes. */
export type CharsetCheck =
  /** Holds every character of the Basic Multilingual Plane, none beyond (utf8mb3, ucs2). */
  | { kind: 'bmp' }
  /** A single-byte set: `chars[code unit]` is 0 when not held, 1 when held, 2 when held at the byte of that number. */
  | { kind: 'table'; chars: Uint8Array };

/** Character sets that hold every Unicode character. */
const UNICODE = new Set(['utf8mb4', 'utf16', 'utf16le', 'utf32']);
const BMP = new Set(['utf8mb3', 'utf8', 'ucs2']);

/** WHATWG decoder label and the bytes MySQL leaves undefined, per single-byte MySQL set. */
const DECODED: Record<string, { label: string; undefinedBytes: readonly number[] }> = {
  cp1250: { label: 'windows-1250', undefinedBytes: [0x81, 0x83, 0x88, 0x90, 0x98] },
  latin2: { label: 'iso-8859-2', undefinedBytes: [] },
  cp1251: { label: 'windows-1251', undefinedBytes: [0x98] },
  cp1257: { label: 'windows-1257', undefinedBytes: [0x81, 0x83, 0x88, 0x8a, 0x8c, 0x90, 0x98, 0x9a, 0x9c, 0x9f, 0xa1, 0xa5] },
  latin7: { label: 'iso-8859-13', undefinedBytes: [] },
  koi8r: { label: 'koi8-r', undefinedBytes: [] },
};

/** Windows-1252's 0x80-0x9F; MySQL's latin1 keeps the five undefined bytes as U+0081 etc. */
const CP1252_80_9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

/** The character sets with a table here (besides the Unicode ones). */
export const TABLE_CHARSETS: readonly string[] = ['ascii', 'latin1', ...Object.keys(DECODED)];

/** Code point of each byte of a single-byte MySQL set, undefined where MySQL has none. */
export function byteCharacters(charset: string): Array<number | undefined> | undefined {
  const cs = charset.toLowerCase();
  const bytes = Array.from({ length: 256 }, (_, b) => b);
  if (cs === 'ascii') return bytes.map((b) => (b < 0x80 ? b : undefined));
  if (cs === 'latin1') return bytes.map((b) => (b >= 0x80 && b < 0xa0 ? CP1252_80_9F[b - 0x80] : b));
  const decoded = DECODED[cs];
  if (!decoded) return undefined;
  const text = new TextDecoder(decoded.label).decode(Uint8Array.from(bytes));
  return bytes.map((b) => {
    const code = text.charCodeAt(b);
    return decoded.undefinedBytes.includes(b) || code === 0xfffd ? undefined : code;
  });
}

const checks = new Map<string, CharsetCheck | undefined>();

/**
 * How to check values for a column in `charset`, or undefined when fbsync has no table of it
 * (MySQL then judges: in fbsync's strict sessions it refuses such a value with error 1366) —
 * and for the sets that hold everything.
 */
export function charsetCheck(charset: string): CharsetCheck | undefined {
  const cs = charset.toLowerCase();
  if (BMP.has(cs)) return { kind: 'bmp' };
  if (checks.has(cs)) return checks.get(cs);
  const bytes = byteCharacters(cs);
  let check: CharsetCheck | undefined;
  if (bytes) {
    const chars = new Uint8Array(0x10000);
    bytes.forEach((code, b) => {
      if (code !== undefined) chars[code] = code === b ? 2 : 1;
    });
    check = { kind: 'table', chars };
  }
  checks.set(cs, check);
  return check;
}

/** Whether a MySQL character set holds every character there is. */
export function holdsUnicode(charset: string): boolean {
  return UNICODE.has(charset.toLowerCase());
}

/** Whether fbsync knows `charset` well enough to check every value itself (see charsetCheck). */
export function isCheckedCharset(charset: string): boolean {
  return BMP.has(charset.toLowerCase()) || TABLE_CHARSETS.includes(charset.toLowerCase());
}

/**
 * Whether a MySQL character set holds every character of a Firebird one: exactly when no value
 * can be refused for a character. False also where it may hold them but fbsync does not know
 * (values are then checked one by one: the cost of a lookup, never a wrong row).
 */
export function charsetHoldsEvery(mysqlCharset: string, firebirdCharset: string, perChar: number): boolean {
  const target = mysqlCharset.toLowerCase();
  const source = firebirdCharset.toUpperCase();
  if (holdsUnicode(target)) return true;
  if (BMP.has(target)) return perChar <= 3;
  // Every table here holds ASCII at its own bytes; MySQL's latin1 is Windows-1252.
  if (source === 'ASCII') return TABLE_CHARSETS.includes(target);
  return target === 'latin1' && source === 'WIN1252';
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Index of the first character of `s` the check says the column cannot hold, or -1. With
 * `key`, for a key column, a single-byte set holds only the characters whose byte is their code
 * point: MySQL orders a `_bin` key by bytes, fbsync (as Firebird) by code point, and only there
 * the two orders agree. ASCII-only text, most text, costs one native scan.
 */
export function firstUnheld(check: CharsetCheck, s: string, key = false): number {
  const start = s.search(NON_ASCII);
  if (start < 0) return -1;
  const need = key ? 2 : 1;
  for (let i = start; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) continue;
    // A surrogate: a character beyond the BMP, which none of these sets hold.
    if (code >= 0xd800 && code <= 0xdfff) return i;
    if (check.kind === 'table' && check.chars[code]! < need) return i;
  }
  return -1;
}

/** `U+0141 'Ł'`; control characters by number alone. */
export function describeCharacter(s: string, at: number): string {
  const code = s.codePointAt(at) ?? 0;
  const number = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? number : `${number} '${String.fromCodePoint(code)}'`;
}
