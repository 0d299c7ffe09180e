import { FbsyncError } from '../core/errors.js';
import { compareKeys } from '../core/keyset.js';
import { describeKey, keyKinds, keyOf, type ColumnSpec, type Key, type Row, type TableSpec } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import { readBlob, type BlobFetch } from './rows.js';
import { inlineReads, takeInline } from './select-list.js';
import { decodeSingleByte } from './single-byte.js';

/**
 * Rows as node-firebird hands them turned into fbsync's values, and the keys they arrive in
 * checked against the order fbsync compares them in.
 */

/** Converts fetched rows in place; `unordered` is set once a key came out of order (if tolerated). */
export type RowConverter = ((raw: unknown[][]) => Promise<unknown[][]>) & { unordered?: boolean };

/**
 * Turns rows into fbsync's values, in place, chunk after chunk, each key checked against the
 * one before it (the first against `after`): `required` fails with KEY_ORDER on a key out of
 * order, `tolerated` marks the converter `unordered`, `unchecked` (rows read by key) looks not.
 * Given to fetchAll, it converts each fetched chunk as it arrives: the driver's Buffers then die
 * young instead of living, with the socket chunks they point into, until the page is complete
 * and being copied twice by the garbage collector on the way
 * (docs/performance.md#measurements-behind-the-design).
 */
export function rowConverter(table: TableSpec, options: { after: Key | null; keyOrder: 'required' | 'tolerated' | 'unchecked' }): RowConverter {
  const cols = table.columns;
  const check = options.keyOrder === 'unchecked' ? undefined : keyChecker(table, options.after, options.keyOrder);
  const inline = inlineReads(cols);
  const convert: RowConverter = async (raw) => {
    for (const row of raw) {
      takeInline(inline, row);
      for (let i = 0; i < cols.length; i++) {
        const read = cols[i]!.firebird;
        const v = row[i];
        if (v === undefined) row[i] = null;
        else if (read.blob && typeof v === 'function') row[i] = await readBlob(v as BlobFetch);
        else row[i] = columnValue(read, v);
      }
      check?.(keyOf(table, row as Row));
    }
    if (check?.unordered) convert.unordered = true;
    return raw;
  };
  return convert;
}

/** Checks keys as they arrive; `unordered` is set once a key came out of order (if tolerated). */
export type KeyChecker = ((key: Key) => void) & { unordered?: boolean };

/**
 * Checks each key against the one before it (the first against `after`) — `required` fails with
 * KEY_ORDER on a key out of order, `tolerated` marks the checker `unordered` and compares no
 * more — and that its FLOAT or DOUBLE parts can be passed back to Firebird (checkKeyPassable).
 */
export function keyChecker(table: TableSpec, after: Key | null, keyOrder: 'required' | 'tolerated'): KeyChecker {
  const kinds = keyKinds(table);
  const floats = floatKeyParts(table);
  let previous = after;
  const check: KeyChecker = (key) => {
    if (floats.length > 0) checkKeyPassable(table, floats, key);
    if (check.unordered) return;
    if (keyOrder === 'tolerated' && previous && compareKeys(kinds, previous, key) >= 0) check.unordered = true;
    else checkKeyOrder(table, kinds, previous, key);
    previous = key;
  };
  return check;
}

/**
 * The diff stage trusts that keys arrive strictly ascending in the order it compares them in;
 * a collation that disagrees would make it delete rows that exist, so stop instead.
 */
export function checkKeyOrder(table: TableSpec, kinds: readonly ValueKind[], previous: Key | null, key: Key): void {
  if (previous && compareKeys(kinds, previous, key) >= 0) {
    throw new FbsyncError(
      'KEY_ORDER',
      `Firebird returned ${describeKey(table, key)} after ${describeKey(table, previous)}: the primary key's collation does not order by code point`,
      { hint: 'sync this table without `delete` and `rowVersions`, or give its key a binary collation', options: ['delete', 'rowVersions'] },
    );
  }
}

/**
 * A value as the driver hands it, as fbsync reads it: text read as bytes decoded in its
 * character set, CHAR padding trimmed; anything else as it is (BLOBs are read separately).
 */
export function columnValue(read: ColumnSpec['firebird'], v: unknown): unknown {
  if (read.decode && Buffer.isBuffer(v)) return decodeSingleByte(read.decode, v);
  if (read.padded && typeof v === 'string') return trimPadding(v);
  return v;
}

/** CHAR(n) arrives padded with blanks to n characters; the padding is not part of the value. */
export function trimPadding(v: string): string {
  let end = v.length;
  while (end > 0 && v.charCodeAt(end - 1) === 32) end--;
  return end === v.length ? v : v.slice(0, end);
}

/** Where a key has FLOAT or DOUBLE PRECISION parts (see checkKeyPassable). */
export function floatKeyParts(table: TableSpec): number[] {
  return keyKinds(table).flatMap((kind, i) => (kind === 'float' || kind === 'double' ? [i] : []));
}

/**
 * fbsync reads on after a page's last key by passing it back to Firebird, and node-firebird
 * sends a whole JS number as a 64-bit integer, failing on one of 2^63 or more (a DOUBLE key of
 * 1e19): a clear error here rather than the driver's RangeError there.
 */
export function checkKeyPassable(table: TableSpec, parts: readonly number[], key: Key): void {
  for (const i of parts) {
    const v = key[i];
    if (typeof v === 'number' && Number.isInteger(v) && (v >= 2 ** 63 || v < -(2 ** 63))) {
      const column = table.columns[table.key[i]!]!.source;
      throw new FbsyncError('KEY_VALUE', `${describeKey(table, key)}: node-firebird cannot pass a whole number of 2^63 or more back to Firebird, so fbsync cannot read on after this ${column} key`, {
        hint: `give ${table.source} a primary key of another type (an integer, NUMERIC or text), or leave the table out`,
      });
    }
  }
}
