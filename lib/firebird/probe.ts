import type { Key, TableSpec } from '../core/table.js';
import type { VersionList } from '../core/version-list.js';
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
 * and node decodes a few dozen values instead of 10,000 rows: sending and decoding wire rows
 * would cost both sides more.
 *
 * The strings hold `key version` for a row and, with `runs`, `key version *n` for n rows of
 * consecutive keys from `key` that share `version` (a table loaded or updated in bulk is mostly
 * such runs). Gathering runs, a row costs Firebird a comparison, and only the end of a run costs
 * it string work: that pays where runs average more than a row or so, and costs more where no
 * two keys are consecutive. See RUNS_PAY for which to use; the figures are in
 * docs/performance.md#measurements-behind-the-design.
 */
export function packsProbe(table: TableSpec): boolean {
  return table.key.length === 1 && table.columns[table.key[0]!]!.kind === 'integer';
}

/**
 * Rows per entry from which gathering runs pays: a page that had fewer is followed by one
 * probed row by row (PickedPages), so a table without runs costs one page's worth more.
 */
export const RUNS_PAY = 1.5;

/**
 * The probe of a page of `pageSize` rows, after a key (one `?`) or from the first; packed with
 * `runs` gathered or one entry per row (no effect on a probe that is not packed).
 */
export function probeSql(table: TableSpec, pageSize: number, after: string | undefined, runs = true): string {
  const from = quoteFirebird(table.source);
  const keys = table.key.map((i) => table.columns[i]!.firebird.select);
  const orderBy = table.key.map((i) => quoteFirebird(table.columns[i]!.source)).join(', ');
  if (!packsProbe(table)) {
    return `SELECT FIRST ${pageSize} ${keys.join(', ')}, ${RECORD_VERSION} FROM ${from}${after ? ` WHERE ${after}` : ''} ORDER BY ${orderBy}`;
  }
  // Whole numbers rather than deltas from the entry before: the strings get longer, but each
  // entry costs the server fewer PSQL statements, and the server's time is what a re-sync
  // waits for.
  // S, N, RV: the run being gathered (first key, rows, version); an entry is at most 40 bytes.
  const key = quoteFirebird(table.columns[table.key[0]!]!.source);
  const rows = `FOR SELECT FIRST ${pageSize} ${key}, RDB$RECORD_VERSION FROM ${from}${after ? ` WHERE ${key} > :AFTER` : ''} ORDER BY ${key} INTO K, V DO`;
  const room = `IF (OCTET_LENGTH(CHUNK) > ${PACKED_WIDTH - 60}) THEN BEGIN SUSPEND; CHUNK = ''; END`;
  if (!runs) {
    return `EXECUTE BLOCK ${after ? '(AFTER BIGINT = ?) ' : ''}RETURNS (CHUNK VARCHAR(${PACKED_WIDTH}) CHARACTER SET OCTETS) AS
DECLARE K BIGINT; DECLARE V BIGINT;
BEGIN
  CHUNK = '';
  ${rows}
  BEGIN
    CHUNK = CHUNK || K || ' ' || V || ' ';
    ${room}
  END
  IF (CHUNK <> '') THEN SUSPEND;
END`;
  }
  const append = `IF (N = 1) THEN CHUNK = CHUNK || S || ' ' || RV || ' ';
      ELSE IF (N > 1) THEN CHUNK = CHUNK || S || ' ' || RV || ' *' || N || ' ';`;
  return `EXECUTE BLOCK ${after ? '(AFTER BIGINT = ?) ' : ''}RETURNS (CHUNK VARCHAR(${PACKED_WIDTH}) CHARACTER SET OCTETS) AS
DECLARE K BIGINT; DECLARE V BIGINT; DECLARE S BIGINT = 0; DECLARE N INTEGER = 0; DECLARE RV BIGINT = 0;
BEGIN
  CHUNK = '';
  ${rows}
  BEGIN
    IF (N > 0 AND K = S + N AND V = RV) THEN N = N + 1;
    ELSE BEGIN
      ${append}
      ${room}
      S = K; N = 1; RV = V;
    END
  END
  ${append}
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
    for (let i = 0; i + 1 < parts.length; ) {
      const first = Number(parts[i]);
      const version = parts[i + 1]!;
      const run = parts[i + 2]?.startsWith('*') ? Number(parts[i + 2]!.slice(1)) : 1;
      i += run > 1 ? 3 : 2;
      for (let k = first; k < first + run; k++) {
        const entry = [k];
        check(entry);
        list.keys.push(entry);
        list.versions.push(version);
      }
    }
  }
  return list;
}

/** The runs (see probeSql) a page of single integer keys holds, however it was probed. */
export function runsIn(list: VersionList): number {
  let runs = 0;
  for (let i = 0; i < list.keys.length; i++) {
    if (i === 0 || list.keys[i]![0] !== (list.keys[i - 1]![0] as number) + 1 || list.versions[i] !== list.versions[i - 1]) runs++;
  }
  return runs;
}
