/**
 * Compares a whole Firebird table with its MySQL copy, value by value, reading both sides on
 * their own: the Firebird side through the fixture's attachment, with casts this file chooses
 * from the system tables (not fbsync's metadata code); the MySQL side with a plain SELECT.
 * What fbsync promises is spelled out here once:
 * - exact numbers as the server's decimal text (Firebird CAST and MySQL DECIMAL agree on the
 *   scale, so the strings must be identical); doubles and floats as the same binary value;
 * - DATE, TIME, TIMESTAMP as the same wall-clock text;
 * - text as the same string, CHAR without its blank padding, VARCHAR with its trailing blanks;
 * - OCTETS as the same bytes (CHAR with its zero padding), NONE as the same bytes (or, when read
 *   as a character set, the same text), BLOBs likewise;
 * - BOOLEAN as the same truth value; NULL as NULL.
 * The one value MySQL cannot hold is a negative zero (FLOAT or DOUBLE -0.0): it becomes 0.
 */
import { expect } from 'chai';
import type { FirebirdFixture, MysqlFixture } from './databases.js';
import { readBlob, type BlobFetch } from '../../lib/firebird/rows.js';

export interface CompareOptions {
  /** The MySQL table; default the Firebird name. */
  target?: string;
  /** MySQL column for a Firebird column; default the same name (matched case-insensitively). */
  column?: (name: string) => string;
  /** Firebird columns not copied. */
  exclude?: readonly string[];
  /** CHARACTER SET NONE text was read as this set; default: compared as bytes. */
  noneCharset?: string;
}

interface FieldInfo {
  NAME: string;
  FTYPE: number;
  SUBTYPE: number | null;
  CLEN: number | null;
  FLEN: number | null;
  FSCALE: number | null;
  CHARSET: string | null;
  DIMS: number | null;
}

/** Compares every row and value; returns how many rows and values were compared. */
export async function expectSameTable(fb: FirebirdFixture, my: MysqlFixture, table: string, options: CompareOptions = {}): Promise<{ rows: number; values: number }> {
  const fields = (
    await fb.db.queryAsync<FieldInfo>(
      `SELECT TRIM(rf.RDB$FIELD_NAME) AS NAME, f.RDB$FIELD_TYPE AS FTYPE, f.RDB$FIELD_SUB_TYPE AS SUBTYPE,
              f.RDB$CHARACTER_LENGTH AS CLEN, f.RDB$FIELD_LENGTH AS FLEN, f.RDB$FIELD_SCALE AS FSCALE,
              TRIM(cs.RDB$CHARACTER_SET_NAME) AS CHARSET,
              f.RDB$DIMENSIONS AS DIMS
         FROM RDB$RELATION_FIELDS rf JOIN RDB$FIELDS f ON f.RDB$FIELD_NAME = rf.RDB$FIELD_SOURCE
         LEFT JOIN RDB$CHARACTER_SETS cs ON cs.RDB$CHARACTER_SET_ID = f.RDB$CHARACTER_SET_ID
        WHERE rf.RDB$RELATION_NAME = ? ORDER BY rf.RDB$FIELD_POSITION`,
      [table],
    )
  ).filter((f) => !(options.exclude ?? []).includes(f.NAME));
  expect(fields.length, `Firebird table ${table}`).to.be.greaterThan(0);
  const keyRows = await fb.db.queryAsync<{ NAME: string }>(
    `SELECT TRIM(s.RDB$FIELD_NAME) AS NAME FROM RDB$RELATION_CONSTRAINTS rc
       JOIN RDB$INDEX_SEGMENTS s ON s.RDB$INDEX_NAME = rc.RDB$INDEX_NAME
      WHERE rc.RDB$RELATION_NAME = ? AND rc.RDB$CONSTRAINT_TYPE = 'PRIMARY KEY' ORDER BY s.RDB$FIELD_POSITION`,
    [table],
  );
  const keyIdx = keyRows.map((k) => fields.findIndex((f) => f.NAME === k.NAME));

  const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
  const select = fields.map((f, i) => `${firebirdRead(f, q(f.NAME), options.noneCharset)} AS C${i}`).join(', ');
  const fbRaw = await fb.db.queryAsync<Record<string, unknown>>(`SELECT ${select} FROM ${q(table)}`);
  const source: unknown[][] = [];
  for (const r of fbRaw) {
    const row: unknown[] = [];
    for (let i = 0; i < fields.length; i++) row.push(await firebirdValue(fields[i]!, r[`C${i}`], options.noneCharset));
    source.push(row);
  }

  const target = options.target ?? table;
  const myCols = (await my.rows(
    'SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [target],
  )) as [string, string][];
  const myColumn = (name: string) => {
    const wanted = (options.column ? options.column(name) : name).toLowerCase();
    const found = myCols.find(([c]) => c.toLowerCase() === wanted);
    expect(found, `MySQL column for ${table}.${name}`).to.not.equal(undefined);
    return found!;
  };
  const mySelect = fields
    .map((f) => {
      const [name, type] = myColumn(f.NAME);
      // MariaDB prints FLOAT with six digits; as a DOUBLE the stored value comes back whole.
      // Both as text: mysql2 reads some doubles of 16-17 digits an ulp off (see lib/mysql/reader.ts).
      if (type === 'float') return `CAST(CAST(\`${name}\` AS DOUBLE) AS CHAR)`;
      return type === 'double' ? `CAST(\`${name}\` AS CHAR)` : `\`${name}\``;
    })
    .join(', ');
  const targetRows = (await my.rows(`SELECT ${mySelect} FROM \`${target}\``)).map((row) => row.map((v, i) => mysqlValue(fields[i]!, v)));

  const keyOf = (row: unknown[]) => JSON.stringify(keyIdx.map((i) => (Buffer.isBuffer(row[i]) ? `0x${(row[i] as Buffer).toString('hex')}` : row[i])));
  const byKey = (a: unknown[], b: unknown[]) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
  source.sort(byKey);
  targetRows.sort(byKey);
  expect(targetRows.length, `${table}: number of rows`).to.equal(source.length);
  for (let r = 0; r < source.length; r++) {
    for (let c = 0; c < fields.length; c++) {
      const want = source[r]![c];
      const got = targetRows[r]![c];
      const where = `${table}.${fields[c]!.NAME} at key ${keyOf(source[r]!)}`;
      if (Buffer.isBuffer(want)) {
        expect(Buffer.isBuffer(got), `${where}: bytes`).to.equal(true);
        expect((got as Buffer).equals(want), `${where}: ${describe(got)} ≠ ${describe(want)}`).to.equal(true);
      } else {
        expect(got, where).to.deep.equal(want);
      }
    }
  }
  return { rows: source.length, values: source.length * fields.length };
}

function describe(v: unknown): string {
  return Buffer.isBuffer(v) ? (v.length > 40 ? `${v.length} bytes` : `0x${v.toString('hex')}`) : JSON.stringify(v);
}

const TEXT_TYPES = new Set([14, 37]);

/** The SQL that reads a Firebird column exactly, chosen from its system-table description. */
function firebirdRead(f: FieldInfo, col: string, noneCharset: string | undefined): string {
  const charset = f.CHARSET ?? 'NONE';
  const chars = f.CLEN ?? f.FLEN ?? 0;
  switch (f.FTYPE) {
    case 12:
    case 13:
    case 35:
      return `CAST(${col} AS VARCHAR(30))`;
    case 7:
    case 8:
    case 16:
      // Exact numerics as the server's decimal text; integers stay numbers.
      return (f.SUBTYPE ?? 0) > 0 || (f.FSCALE ?? 0) < 0 ? `CAST(${col} AS VARCHAR(40))` : col;
    case 261:
      if (f.SUBTYPE === 1 && charset === 'NONE' && noneCharset) return `CAST(${col} AS BLOB SUB_TYPE TEXT CHARACTER SET ${noneCharset})`;
      return f.SUBTYPE === 1 && (charset === 'NONE' || charset === 'OCTETS') ? `CAST(${col} AS BLOB SUB_TYPE BINARY)` : col;
  }
  if (!TEXT_TYPES.has(f.FTYPE)) return col;
  if (charset === 'OCTETS') return col;
  if (charset === 'NONE') return `CAST(${col} AS VARCHAR(${chars}) CHARACTER SET ${noneCharset ?? 'OCTETS'})`;
  // VARCHAR, so that a padded UTF8 CHAR is not cut by the driver; the padding goes below.
  return `CAST(${col} AS VARCHAR(${chars}) CHARACTER SET ${charset})`;
}

async function firebirdValue(f: FieldInfo, v: unknown, noneCharset: string | undefined): Promise<unknown> {
  if (v === null || v === undefined) return null;
  if (typeof v === 'function') return readBlob(v as BlobFetch);
  // MySQL has no negative zero: -0.0 is stored, and read back, as 0.
  if (Object.is(v, -0)) return 0;
  const charset = f.CHARSET ?? 'NONE';
  if (f.FTYPE === 14) {
    // CHAR: fbsync drops the blank padding of text (and of NONE bytes); OCTETS keeps its zero bytes.
    if (typeof v === 'string') return v.replace(/ +$/, '');
    if (Buffer.isBuffer(v) && charset === 'NONE' && !noneCharset) {
      let end = v.length;
      while (end > 0 && v[end - 1] === 0x20) end--;
      return v.subarray(0, end);
    }
  }
  return v;
}

/** A MySQL value in the form the Firebird side has: booleans as booleans. */
function mysqlValue(f: FieldInfo, v: unknown): unknown {
  if (v === null) return null;
  if (f.FTYPE === 23) return Number(v) !== 0;
  if (f.FTYPE === 10 || f.FTYPE === 27) return Number(v);
  return v;
}

