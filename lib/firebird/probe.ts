import type { Key, TableSpec } from '../table.js';
import type { VersionList } from '../versions/merge.js';
import { quoteFirebird } from './metadata.js';
import { columnValue } from './convert.js';

/**
 * The record version of a row: the number of the transaction that wrote it. Read as a DOUBLE
 * PRECISION, which is exact for it (Firebird 3 numbers transactions below 2^48) and decodes far
 * cheaper than a BIGINT, which node-firebird turns into a string through BigInt.
 */
export const RECORD_VERSION = 'CAST(RDB$RECORD_VERSION AS DOUBLE PRECISION)';

/** Characters of one packed chunk; longer strings make the server's appends slower. */
const PACKED_WIDTH = 2000;

/**
 * Whether the probe can be packed: a single integer key (SMALLINT or INTEGER, whose values are
 * exact JS numbers). Then Firebird writes the keys and versions of a page into a few strings
 * (`key version key version …`) and node decodes a few dozen values instead of 10,000 rows:
 * sending and decoding wire rows would cost both sides more (1M rows: Firebird 2.4 CPU-s and
 * node 4.1 unpacked, against 2.1 and 2.0 packed, for a whole 1% re-sync).
 */
export function packsProbe(table: TableSpec): boolean {
  return table.key.length === 1 && table.columns[table.key[0]!]!.kind === 'integer';
}

/** The probe of a page of `pageSize` rows, after a key (one `?`) or from the first. */
export function probeSql(table: TableSpec, pageSize: number, after: string | undefined): string {
  const from = quoteFirebird(table.source);
  const keys = table.key.map((i) => table.columns[i]!.firebird.select);
  const orderBy = table.key.map((i) => quoteFirebird(table.columns[i]!.source)).join(', ');
  if (!packsProbe(table)) {
    return `SELECT FIRST ${pageSize} ${keys.join(', ')}, ${RECORD_VERSION} FROM ${from}${after ? ` WHERE ${after}` : ''} ORDER BY ${orderBy}`;
  }
  // Whole numbers rather than deltas from the entry before: the strings get longer, but each
  // row costs the server two PSQL statements instead of five, and the server's time is what
  // a re-sync waits for (its probe of 1M rows: 1.30 CPU-s against 1.55 with deltas).
  const key = quoteFirebird(table.columns[table.key[0]!]!.source);
  return `EXECUTE BLOCK ${after ? '(AFTER BIGINT = ?) ' : ''}RETURNS (CHUNK VARCHAR(${PACKED_WIDTH}) CHARACTER SET OCTETS) AS
DECLARE K BIGINT; DECLARE V BIGINT;
BEGIN
  CHUNK = '';
  FOR SELECT FIRST ${pageSize} ${key}, RDB$RECORD_VERSION FROM ${from}${after ? ` WHERE ${key} > :AFTER` : ''} ORDER BY ${key} INTO K, V DO
  BEGIN
    CHUNK = CHUNK || K || ' ' || V || ' ';
    IF (OCTET_LENGTH(CHUNK) > ${PACKED_WIDTH - 60}) THEN BEGIN SUSPEND; CHUNK = ''; END
  END
  IF (CHUNK <> '') THEN SUSPEND;
END`;
}

/**
 * The probe's answer as a VersionList, keys read as rows are (text decoded, CHAR padding
 * trimmed), in the order read; `check` sees every key after the one before it.
 */
export function probeVersions(table: TableSpec, raw: unknown[][], check: (key: Key) => void): VersionList {
  const list: VersionList = { keys: [], versions: [] };
  if (!packsProbe(table)) {
    const reads = table.key.map((i) => table.columns[i]!.firebird);
    for (const row of raw) {
      const k = reads.map((read, j) => columnValue(read, row[j] ?? null) as Key[number]);
      check(k);
      list.keys.push(k);
      list.versions.push(String(row[row.length - 1]));
    }
    return list;
  }
  for (const [chunk] of raw as [Buffer | string][]) {
    const parts = (Buffer.isBuffer(chunk) ? chunk.toString('latin1') : chunk).split(' ');
    // The chunk ends with a blank: the last part is empty.
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const entry = [Number(parts[i])];
      check(entry);
      list.keys.push(entry);
      list.versions.push(parts[i + 1]!);
    }
  }
  return list;
}
