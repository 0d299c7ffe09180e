import { compareValues, type ValueKind } from './values.js';
import type { Key } from './table.js';

/**
 * Keyset pagination and key ranges, shared by the Firebird source (next page after a key) and
 * the diff stage (target rows inside a page's key range). Firebird 3 has no row-value
 * comparison, so `(a, b) > (?, ?)` is spelled out; the leading `a >= ?` lets both optimizers
 * use the key index as a range.
 */

/** Orders keys of the given kinds the way the source orders its primary key. */
export function compareKeys(kinds: readonly ValueKind[], a: Key, b: Key): number {
  for (let i = 0; i < kinds.length; i++) {
    const c = compareValues(kinds[i]!, a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

/** Equal keys, or both absent (null: before the first key). */
export function sameKey(kinds: readonly ValueKind[], a: Key | null, b: Key | null): boolean {
  return !a || !b ? a === b : compareKeys(kinds, a, b) === 0;
}

export interface Predicate {
  sql: string;
  params: unknown[];
}

/**
 * A key column in a predicate: its quoted name, or the name and the SQL its parameter is passed
 * as (`CAST(? AS …)`) when the column's bytes must be compared with the key in another encoding.
 */
export type KeyColumn = string | { sql: string; param: string };

const columnSql = (c: KeyColumn) => (typeof c === 'string' ? c : c.sql);
const paramSql = (c: KeyColumn) => (typeof c === 'string' ? '?' : c.param);

/** `key > after` (strict), or `key >= after` with `inclusive`. */
export function keyAfter(columns: readonly KeyColumn[], after: Key, inclusive = false): Predicate {
  return compound(columns, after, '>', inclusive);
}

/** `key <= through` (inclusive). */
export function keyThrough(columns: readonly KeyColumn[], through: Key): Predicate {
  return compound(columns, through, '<', true);
}

function compound(columns: readonly KeyColumn[], key: Key, op: '>' | '<', inclusive: boolean): Predicate {
  const cmp = (c: KeyColumn, o: string) => `${columnSql(c)} ${o} ${paramSql(c)}`;
  if (columns.length === 1) {
    return { sql: cmp(columns[0]!, `${op}${inclusive ? '=' : ''}`), params: [key[0]] };
  }
  const alternatives: string[] = [];
  const params: unknown[] = [key[0]];
  for (let i = 0; i < columns.length; i++) {
    const eqs = columns.slice(0, i).map((c) => cmp(c, '='));
    const last = i === columns.length - 1 && inclusive ? `${op}=` : op;
    alternatives.push(`(${[...eqs, cmp(columns[i]!, last)].join(' AND ')})`);
    params.push(...key.slice(0, i + 1));
  }
  return { sql: `(${cmp(columns[0]!, `${op}=`)} AND (${alternatives.join(' OR ')}))`, params };
}

/** `key IN (…)` for a list of keys, composite keys as row constructors: `(a, b) IN ((?, ?), …)`. */
export function keyIn(columns: readonly KeyColumn[], keys: readonly Key[]): Predicate {
  if (columns.length === 1) {
    return { sql: `${columnSql(columns[0]!)} IN (${keys.map(() => paramSql(columns[0]!)).join(', ')})`, params: keys.map((k) => k[0]) };
  }
  const tuple = `(${columns.map(paramSql).join(', ')})`;
  return { sql: `(${columns.map(columnSql).join(', ')}) IN (${keys.map(() => tuple).join(', ')})`, params: keys.flat() };
}

/**
 * Any of a list of keys, for Firebird: `key IN (…)`, or for a composite key (Firebird 3 has no
 * row-value IN) `(a = ? AND b = ?) OR …`, which it still answers from the key index.
 */
export function keyOneOf(columns: readonly KeyColumn[], keys: readonly Key[]): Predicate {
  if (columns.length === 1) return keyIn(columns, keys);
  const one = `(${columns.map((c) => `${columnSql(c)} = ${paramSql(c)}`).join(' AND ')})`;
  return { sql: `(${keys.map(() => one).join(' OR ')})`, params: keys.flat() };
}

/** `after < key <= through`, either bound optional; undefined when the range is everything. */
export function keyRange(columns: readonly KeyColumn[], after: Key | null, through: Key | null): Predicate | undefined {
  const parts = [after && keyAfter(columns, after), through && keyThrough(columns, through)].filter(
    (p): p is Predicate => Boolean(p),
  );
  if (parts.length === 0) return undefined;
  return { sql: parts.map((p) => p.sql).join(' AND '), params: parts.flatMap((p) => p.params) };
}
