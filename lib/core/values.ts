/**
 * How fbsync sees a column's values, independent of either database's own type names.
 *
 * Every kind has one canonical representation so that a value read from Firebird and the same
 * value read back from MySQL compare equal, and any real difference compares unequal:
 * - exact numbers (`bigint`, `decimal`) are decimal strings, never JS doubles;
 * - `date`, `time`, `timestamp` are wall-clock strings (`YYYY-MM-DD HH:MM:SS.ffff`), never `Date`s,
 *   so no process or session time zone can shift them;
 * - `text` is a JS string, `binary` a Buffer.
 */
export type ValueKind =
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'double'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'text'
  | 'binary';

export type Value = string | number | boolean | Buffer | null;

/** `-0012.3400` → `-12.34`, `-0.000` → `0`. Accepts numbers as well as strings. */
export function canonicalDecimal(value: string | number): string {
  let s = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  let sign = '';
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = '-';
    s = s.slice(1);
  }
  let [int = '', frac = ''] = s.split('.');
  int = int.replace(/^0+/, '') || '0';
  frac = frac.replace(/0+$/, '');
  if (int === '0' && frac === '') return '0';
  return sign + int + (frac ? `.${frac}` : '');
}

function numberToPlainString(n: number): string {
  // Exponent notation (1e+21, 1e-7) is not a decimal literal; only reached for huge or tiny numbers.
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return Number.isInteger(n) ? BigInt(n).toString() : n.toFixed(20);
}

/** `2024-01-02 03:04:05.1000` → `2024-01-02 03:04:05.1`; drops a zero fraction entirely. */
export function canonicalTemporal(value: string): string {
  const dot = value.indexOf('.');
  if (dot < 0) return value;
  const trimmed = value.replace(/\.?0+$/, '');
  return trimmed.length < dot ? value.slice(0, dot) : trimmed;
}

function toText(value: Exclude<Value, null>): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function toBuffer(value: Exclude<Value, null>): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
}

function toBool(value: Exclude<Value, null>): boolean {
  return typeof value === 'boolean' ? value : Number(value) !== 0;
}

/** True when the two values are the same value of `kind` (NULL equals only NULL). */
export function sameValue(kind: ValueKind, a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  switch (kind) {
    case 'integer':
    case 'double':
      return Number(a) === Number(b);
    case 'float':
      return Math.fround(Number(a)) === Math.fround(Number(b));
    case 'bigint':
    case 'decimal':
      return a === b || canonicalDecimal(a as string | number) === canonicalDecimal(b as string | number);
    case 'boolean':
      return toBool(a) === toBool(b);
    case 'date':
    case 'time':
    case 'timestamp':
      return a === b || canonicalTemporal(toText(a)) === canonicalTemporal(toText(b));
    case 'text':
      return a === b || toText(a) === toText(b);
    case 'binary':
      return toBuffer(a).equals(toBuffer(b));
  }
}

/** A string that is equal for two values exactly when `sameValue` says so; used as a Map key. */
export function canonicalString(kind: ValueKind, value: Value): string {
  if (value === null) return '\u0000null';
  switch (kind) {
    case 'integer':
    case 'double':
      return String(Number(value));
    case 'float':
      return String(Math.fround(Number(value)));
    case 'bigint':
    case 'decimal':
      return canonicalDecimal(value as string | number);
    case 'boolean':
      return toBool(value) ? '1' : '0';
    case 'date':
    case 'time':
    case 'timestamp':
      return canonicalTemporal(toText(value));
    case 'text':
      return toText(value);
    case 'binary':
      return toBuffer(value).toString('hex');
  }
}

/**
 * Orders two non-null values of `kind` as the source orders its primary key: numbers by value,
 * text by Unicode code point (the order of Firebird's binary collations and of MySQL's `_bin`).
 */
export function compareValues(kind: ValueKind, a: Value, b: Value): number {
  if (a === null || b === null) throw new TypeError('primary key values cannot be NULL');
  switch (kind) {
    case 'integer':
    case 'float':
    case 'double':
      return Number(a) - Number(b);
    case 'bigint':
    case 'decimal':
      return compareDecimal(canonicalDecimal(a as string | number), canonicalDecimal(b as string | number));
    case 'boolean':
      return Number(toBool(a)) - Number(toBool(b));
    case 'date':
    case 'time':
    case 'timestamp':
      return compareCodePoints(canonicalTemporal(toText(a)), canonicalTemporal(toText(b)));
    case 'text':
      return compareCodePoints(toText(a), toText(b));
    case 'binary':
      return Buffer.compare(toBuffer(a), toBuffer(b));
  }
}

/** Compares canonical decimal strings numerically, without going through a double. */
export function compareDecimal(a: string, b: string): number {
  const negA = a[0] === '-';
  const negB = b[0] === '-';
  if (negA !== negB) return negA ? -1 : 1;
  const abs = compareAbs(negA ? a.slice(1) : a, negB ? b.slice(1) : b);
  return negA ? -abs : abs;
}

function compareAbs(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length - bi.length;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const pa = af.padEnd(width, '0');
  const pb = bf.padEnd(width, '0');
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

/**
 * JS `<` compares UTF-16 code units, which misorders astral characters against U+E000–U+FFFF;
 * this compares by code point, which is also the order of UTF-8 bytes.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca <= 0xdfff ? ca + 0x2000 : ca - 0x800;
      cb = cb <= 0xdfff ? cb + 0x2000 : cb - 0x800;
    }
    return ca - cb;
  }
  return a.length - b.length;
}
