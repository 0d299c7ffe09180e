import { canonicalDecimal, canonicalTemporal, type Value, type ValueKind } from './values.js';

/**
 * Values cut to what a narrower MySQL column keeps (`roundToTarget`, ColumnSpec.round), the
 * way MariaDB stores them, so that what fbsync writes is what the column then holds and a later
 * compare finds it unchanged. The results stay canonical (see values.ts).
 */

/**
 * A decimal rounded to `digits` decimals, half away from zero, as MySQL and MariaDB round a
 * value stored in a DECIMAL with fewer decimals (or an integer column: `digits` 0). A carry may
 * add an integer digit (`99.995` → `100`); whether the column has room for it is MySQL's to
 * say, like for any other value too big for it.
 */
export function roundDecimal(value: string | number, digits: number): string {
  const canonical = canonicalDecimal(value);
  const negative = canonical[0] === '-';
  const [int = '0', frac = ''] = (negative ? canonical.slice(1) : canonical).split('.');
  if (frac.length <= digits) return canonical;
  let kept = BigInt(int + frac.slice(0, digits));
  if (frac.charCodeAt(digits) >= 53 /* '5' */) kept += 1n;
  const text = kept.toString().padStart(digits + 1, '0');
  const point = text.length - digits;
  return canonicalDecimal(`${negative ? '-' : ''}${text.slice(0, point)}${digits > 0 ? `.${text.slice(point)}` : ''}`);
}

/**
 * A time or timestamp (`HH:MM:SS.ffff`, `YYYY-MM-DD HH:MM:SS.ffff`) with its fraction of a
 * second cut to `digits` digits. Cut, not rounded: that is what MariaDB stores, it never moves a
 * value into the next second, day or year, and a value already cut is one that MySQL (which
 * rounds unless TIME_TRUNCATE_FRACTIONAL) stores unchanged too.
 */
export function truncateFraction(value: string, digits: number): string {
  const dot = value.indexOf('.');
  if (dot < 0) return value;
  return canonicalTemporal(digits > 0 ? value.slice(0, dot + 1 + digits) : value.slice(0, dot));
}

/** A value of `kind` as a column keeping `digits` decimals (or digits of a second) stores it; NULL stays NULL. */
export function roundValue(kind: ValueKind, value: Value, digits: number): Value {
  if (value === null) return null;
  switch (kind) {
    case 'decimal':
    case 'bigint':
      return roundDecimal(value as string | number, digits);
    case 'time':
    case 'timestamp':
      return truncateFraction(Buffer.isBuffer(value) ? value.toString('utf8') : String(value), digits);
    default:
      return value;
  }
}
