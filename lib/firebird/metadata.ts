import { FbsyncError } from '../errors.js';
import { STORAGE_DIGITS, type ValueShape } from '../shape.js';
import type { ValueKind } from '../values.js';
import type { FirebirdDatabase } from './connect.js';
import { readQuery } from './read.js';
import { isSingleByteCharset, type SingleByteCharset } from './single-byte.js';

/** A Firebird column as the system tables describe it, plus how fbsync will read it. */
export interface FirebirdColumn {
  name: string;
  /** Declared type in Firebird's words, e.g. `NUMERIC(15,3)` or `VARCHAR(100) CHARACTER SET WIN1252`. */
  type: string;
  /** undefined when fbsync cannot copy the column faithfully; `unsupported` says why. */
  kind?: ValueKind;
  /** Which values the column holds as fbsync reads them; undefined exactly when `kind` is. */
  shape?: ValueShape;
  unsupported?: string;
  nullable: boolean;
  /** COMPUTED BY: read (and copied) as the value the server computes. */
  computed: boolean;
  /** The domain the column is typed by, if it is not one of Firebird's implicit RDB$ domains. */
  domain?: string;
  /** SQL expression that reads the column exactly (a CAST for temporal and small scaled types). */
  select: string;
  /**
   * How a key value is passed when compared with the column (keyset paging): `?`, or a CAST of it
   * when `select` reinterprets the column (CHARACTER SET NONE read as a chosen character set).
   */
  param: string;
  /** For CHAR columns: Firebird pads with blanks, fbsync removes the padding (as MySQL's CHAR does). */
  padded: boolean;
  /** Binary BLOBs arrive as a fetch function and must be read inside the transaction. */
  blob: boolean;
  /** Text that `select` reads as bytes, to be decoded in this character set (lib/firebird/single-byte.ts). */
  decode?: SingleByteCharset;
  charset?: string;
  length?: number;
  precision?: number;
  scale?: number;
}

export interface FirebirdTable {
  name: string;
  columns: FirebirdColumn[];
  /** Primary key column names, in key order. */
  key: string[];
}

export interface DescribeOptions {
  /**
   * How to read CHAR, VARCHAR and text BLOBs in character set NONE, whose bytes carry no declared
   * encoding. Undefined (or `OCTETS`): as the bytes they are, copied unchanged into binary MySQL
   * columns. A character set name (`WIN1252`, `ISO8859_1`, `UTF8`, …): as text in that set, which
   * the server then transliterates; bytes invalid in it make the read fail rather than change.
   */
  noneCharset?: string;
}

/** Firebird identifiers in double quotes, inner quotes doubled. */
export function quoteFirebird(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Finds a user table by exact name, else by case-insensitive name (unquoted names are upper case). */
export async function resolveFirebirdTable(db: FirebirdDatabase, name: string): Promise<string> {
  const rows = await readQuery<{ NAME: string }>(
    db,
    `SELECT TRIM(RDB$RELATION_NAME) AS NAME FROM RDB$RELATIONS
      WHERE COALESCE(RDB$SYSTEM_FLAG, 0) = 0 AND RDB$VIEW_BLR IS NULL
        AND (TRIM(RDB$RELATION_NAME) = ? OR UPPER(TRIM(RDB$RELATION_NAME)) = UPPER(?))`,
    [name, name],
  );
  const names = rows.map((r) => r.NAME);
  if (names.includes(name)) return name;
  if (names.length === 1) return names[0]!;
  if (names.length > 1) {
    throw new FbsyncError('SOURCE_TABLE_AMBIGUOUS', `Firebird has several tables named like "${name}": ${names.join(', ')}`, {
      hint: 'give the exact name',
    });
  }
  throw new FbsyncError('SOURCE_TABLE_MISSING', `Firebird table "${name}" does not exist (or is a view or system table)`, {
    hint: 'check --tables against the source database',
  });
}

/**
 * The canonical name of a character set the server knows (`win1252` → `WIN1252`), for
 * `noneCharset`. `OCTETS` is accepted (it means: keep the bytes); NONE is not a choice.
 */
export async function resolveCharset(db: FirebirdDatabase, name: string): Promise<string> {
  const rows = await readQuery<{ NAME: string }>(
    db,
    `SELECT TRIM(RDB$CHARACTER_SET_NAME) AS NAME FROM RDB$CHARACTER_SETS WHERE RDB$CHARACTER_SET_NAME = UPPER(?)`,
    [name.trim()],
  );
  const found = rows[0]?.NAME;
  if (!found || found === 'NONE') {
    throw new FbsyncError('OPTION', `"${name}" is not a Firebird character set to read CHARACTER SET NONE text as`, {
      hint: 'name the encoding the application wrote, e.g. --none-charset WIN1252, ISO8859_1 or UTF8 (or OCTETS to copy the bytes)',
    });
  }
  return found;
}

interface FieldRow {
  NAME: string;
  DOMAIN: string;
  FTYPE: number;
  SUBTYPE: number | null;
  FLEN: number | null;
  CLEN: number | null;
  FPREC: number | null;
  FSCALE: number | null;
  CHARSET: string | null;
  CSBYTES: number | null;
  DIMS: number | null;
  COMPUTED: number;
  NOTNULL: number;
}

export async function describeFirebirdTable(db: FirebirdDatabase, name: string, options: DescribeOptions = {}): Promise<FirebirdTable> {
  const table = await resolveFirebirdTable(db, name);
  const fields = await readQuery<FieldRow>(
    db,
    `SELECT TRIM(rf.RDB$FIELD_NAME) AS NAME, TRIM(rf.RDB$FIELD_SOURCE) AS DOMAIN, f.RDB$FIELD_TYPE AS FTYPE,
            f.RDB$FIELD_SUB_TYPE AS SUBTYPE, f.RDB$FIELD_LENGTH AS FLEN, f.RDB$CHARACTER_LENGTH AS CLEN,
            f.RDB$FIELD_PRECISION AS FPREC, f.RDB$FIELD_SCALE AS FSCALE, TRIM(cs.RDB$CHARACTER_SET_NAME) AS CHARSET,
            cs.RDB$BYTES_PER_CHARACTER AS CSBYTES, f.RDB$DIMENSIONS AS DIMS,
            IIF(f.RDB$COMPUTED_BLR IS NULL, 0, 1) AS COMPUTED,
            COALESCE(rf.RDB$NULL_FLAG, f.RDB$NULL_FLAG, 0) AS NOTNULL
       FROM RDB$RELATION_FIELDS rf
       JOIN RDB$FIELDS f ON f.RDB$FIELD_NAME = rf.RDB$FIELD_SOURCE
       LEFT JOIN RDB$CHARACTER_SETS cs ON cs.RDB$CHARACTER_SET_ID = f.RDB$CHARACTER_SET_ID
      WHERE rf.RDB$RELATION_NAME = ?
      ORDER BY rf.RDB$FIELD_POSITION`,
    [table],
  );
  const keyRows = await readQuery<{ NAME: string }>(
    db,
    `SELECT TRIM(s.RDB$FIELD_NAME) AS NAME
       FROM RDB$RELATION_CONSTRAINTS rc
       JOIN RDB$INDEX_SEGMENTS s ON s.RDB$INDEX_NAME = rc.RDB$INDEX_NAME
      WHERE rc.RDB$RELATION_NAME = ? AND rc.RDB$CONSTRAINT_TYPE = 'PRIMARY KEY'
      ORDER BY s.RDB$FIELD_POSITION`,
    [table],
  );
  const bounds = fields.some((f) => (f.DIMS ?? 0) > 0) ? await arrayBounds(db, fields) : new Map<string, string>();
  // Checked against the server's list: the name is spliced into the reading SQL.
  const none = options.noneCharset === undefined ? undefined : await resolveCharset(db, options.noneCharset);
  const noneAs = none && none !== 'OCTETS' ? none : undefined;
  return {
    name: table,
    columns: fields.map((f) => toColumn(f, { noneAs, bounds: bounds.get(f.DOMAIN) })),
    key: keyRows.map((r) => r.NAME),
  };
}

/** `[1:5]` or `[0:3, 1:2]` per array domain, for naming ARRAY columns in messages. */
async function arrayBounds(db: FirebirdDatabase, fields: readonly FieldRow[]): Promise<Map<string, string>> {
  const domains = [...new Set(fields.filter((f) => (f.DIMS ?? 0) > 0).map((f) => f.DOMAIN))];
  const rows = await readQuery<{ DOMAIN: string; LO: number; HI: number }>(
    db,
    `SELECT TRIM(RDB$FIELD_NAME) AS DOMAIN, RDB$LOWER_BOUND AS LO, RDB$UPPER_BOUND AS HI
       FROM RDB$FIELD_DIMENSIONS WHERE RDB$FIELD_NAME IN (${domains.map(() => '?').join(', ')})
      ORDER BY RDB$FIELD_NAME, RDB$DIMENSION`,
    domains,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.DOMAIN, [...(out.get(r.DOMAIN) ?? []), `${r.LO}:${r.HI}`]);
  return new Map([...out].map(([d, dims]) => [d, `[${dims.join(', ')}]`]));
}

/**
 * Character sets whose text columns carry bytes rather than characters: OCTETS by definition,
 * NONE because nothing says which encoding its bytes are in. Read plainly over the UTF8
 * connection, every byte that is not valid UTF-8 would be garbled, so they never are.
 */
const BYTE_CHARSETS = new Set(['NONE', 'OCTETS']);

function toColumn(f: FieldRow, context: { noneAs: string | undefined; bounds: string | undefined }): FirebirdColumn {
  const q = quoteFirebird(f.NAME);
  const scale = f.FSCALE ?? 0;
  const sub = f.SUBTYPE ?? 0;
  // A text field without a character set is in NONE, the default of databases created without one.
  const charset = f.CHARSET ?? (f.FTYPE === 14 || f.FTYPE === 37 || (f.FTYPE === 261 && sub === 1) ? 'NONE' : undefined);
  const base = {
    name: f.NAME,
    nullable: f.NOTNULL === 0,
    computed: f.COMPUTED === 1,
    domain: /^RDB\$/.test(f.DOMAIN) ? undefined : f.DOMAIN,
    select: q,
    param: '?',
    padded: false,
    blob: false,
    charset,
  };
  // RDB$CHARACTER_LENGTH is missing for some fields (computed ones); the byte length then says it.
  const chars = f.CLEN ?? Math.floor((f.FLEN ?? 0) / Math.max(1, f.CSBYTES ?? 1));
  const withCharset = (t: string) => (charset ? `${t} CHARACTER SET ${charset}` : t);
  const dims = f.DIMS ?? 0;
  if (dims > 0) {
    const element = toColumn({ ...f, DIMS: 0 }, context).type;
    return {
      ...base,
      type: `ARRAY${context.bounds ?? `[${dims} dimensions]`} OF ${element}`,
      unsupported: 'ARRAY columns cannot be read through node-firebird (it returns NULL for them)',
    };
  }
  switch (f.FTYPE) {
    case 7:
    case 8:
    case 16: {
      const storage = f.FTYPE === 7 ? 'SMALLINT' : f.FTYPE === 8 ? 'INTEGER' : 'BIGINT';
      if (scale < 0 || sub === 1 || sub === 2) {
        const digits = STORAGE_DIGITS[storage];
        const precision = f.FPREC || digits - 1;
        const type = `${sub === 2 ? 'DECIMAL' : 'NUMERIC'}(${precision},${-scale})`;
        // Only INT64-backed values arrive as exact strings; widen the small ones on the server.
        const select = f.FTYPE === 16 ? q : `CAST(${q} AS NUMERIC(18,${-scale}))`;
        const shape: ValueShape = { kind: 'decimal', precision, scale: -scale, digits };
        return { ...base, type, kind: 'decimal', shape, select, precision, scale: -scale };
      }
      if (f.FTYPE === 16) return { ...base, type: storage, kind: 'bigint', shape: { kind: 'bigint' } };
      return { ...base, type: storage, kind: 'integer', shape: { kind: 'integer', bits: f.FTYPE === 7 ? 16 : 32 } };
    }
    case 10:
      return { ...base, type: 'FLOAT', kind: 'float', shape: { kind: 'float' } };
    case 27:
      return { ...base, type: 'DOUBLE PRECISION', kind: 'double', shape: { kind: 'double' } };
    case 23:
      return { ...base, type: 'BOOLEAN', kind: 'boolean', shape: { kind: 'boolean' } };
    // node-firebird turns temporal values into JS Dates in the process's time zone, which
    // shifts or loses wall-clock times (DST gaps, LMT offsets). The server's own text form is exact.
    case 12:
      return { ...base, type: 'DATE', kind: 'date', shape: { kind: 'date' }, select: `CAST(${q} AS VARCHAR(10))` };
    case 13:
      return { ...base, type: 'TIME', kind: 'time', shape: { kind: 'time' }, select: `CAST(${q} AS VARCHAR(13))` };
    case 35:
      return { ...base, type: 'TIMESTAMP', kind: 'timestamp', shape: { kind: 'timestamp' }, select: `CAST(${q} AS VARCHAR(24))` };
    case 14:
    case 37:
      return stringColumn(base, { fixed: f.FTYPE === 14, chars, charset: charset ?? 'NONE', type: withCharset(`${f.FTYPE === 14 ? 'CHAR' : 'VARCHAR'}(${chars})`), noneAs: context.noneAs });
    case 261: {
      if (sub === 1) return textBlobColumn(base, { charset: charset ?? 'NONE', type: withCharset('BLOB SUB_TYPE TEXT'), noneAs: context.noneAs });
      const type = `BLOB SUB_TYPE ${sub === 0 ? 'BINARY' : sub}`;
      return { ...base, type, kind: 'binary', shape: { kind: 'binary', fixed: false }, blob: true };
    }
    default:
      return { ...base, type: `type ${f.FTYPE}`, unsupported: `Firebird field type ${f.FTYPE} is not supported` };
  }
}

type ColumnBase = Omit<FirebirdColumn, 'type' | 'kind' | 'shape' | 'unsupported'>;

/**
 * CHAR and VARCHAR. Text in a real character set arrives transliterated to UTF-8. CHAR's blank
 * padding is removed on the server (TRIM), which also sidesteps node-firebird cutting a padded
 * UTF8 CHAR by UTF-16 units, splitting characters outside the BMP. NONE and OCTETS arrive as
 * bytes (NONE read as a chosen character set instead, with `noneAs`); OCTETS CHAR keeps its
 * zero-byte padding, which is part of its fixed-size value.
 */
function stringColumn(base: ColumnBase, s: { fixed: boolean; chars: number; charset: string; type: string; noneAs: string | undefined }): FirebirdColumn {
  const q = base.select;
  const common = { ...base, type: s.type, length: s.chars };
  if (s.charset === 'OCTETS') {
    return { ...common, kind: 'binary', shape: { kind: 'binary', length: s.chars, fixed: s.fixed } };
  }
  const unpadded = s.fixed ? `TRIM(TRAILING FROM ${q})` : q;
  if (s.charset === 'NONE') {
    const as = s.noneAs ?? 'OCTETS';
    const cast = (expr: string) => `CAST(${expr} AS VARCHAR(${s.chars}) CHARACTER SET ${as})`;
    if (as === 'OCTETS') {
      return { ...common, kind: 'binary', shape: { kind: 'binary', length: s.chars, fixed: false }, select: cast(unpadded) };
    }
    return {
      ...common,
      kind: 'text',
      shape: { kind: 'text', length: s.chars, fixed: s.fixed, charset: as },
      select: cast(unpadded),
      // The bare column compares NONE bytes with the parameter's UTF-8 bytes; the CAST makes the
      // server encode the key in the chosen set first.
      param: cast('?'),
      padded: s.fixed,
    };
  }
  const shape: ValueShape = { kind: 'text', length: s.chars, fixed: s.fixed, charset: s.charset };
  if (isSingleByteCharset(s.charset)) {
    // Sent as the stored bytes, not transliterated to UTF-8 by the server (cheaper decoded here).
    return { ...common, kind: 'text', shape, select: `CAST(${unpadded} AS VARCHAR(${s.chars}) CHARACTER SET OCTETS)`, padded: s.fixed, decode: s.charset };
  }
  return { ...common, kind: 'text', shape, select: unpadded, padded: s.fixed };
}

/** Text BLOBs arrive as strings (the server transliterates them); NONE and OCTETS ones as bytes. */
function textBlobColumn(base: ColumnBase, s: { charset: string; type: string; noneAs: string | undefined }): FirebirdColumn {
  const q = base.select;
  if (BYTE_CHARSETS.has(s.charset)) {
    if (s.charset === 'NONE' && s.noneAs) {
      return {
        ...base,
        type: s.type,
        kind: 'text',
        shape: { kind: 'text', fixed: false, charset: s.noneAs },
        select: `CAST(${q} AS BLOB SUB_TYPE TEXT CHARACTER SET ${s.noneAs})`,
      };
    }
    return { ...base, type: s.type, kind: 'binary', shape: { kind: 'binary', fixed: false }, select: `CAST(${q} AS BLOB SUB_TYPE BINARY)`, blob: true };
  }
  return { ...base, type: s.type, kind: 'text', shape: { kind: 'text', fixed: false, charset: s.charset } };
}
