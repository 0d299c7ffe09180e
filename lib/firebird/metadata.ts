import { FbsyncError } from '../errors.js';
import type { ValueKind } from '../values.js';
import type { FirebirdDatabase } from './connect.js';

/** A Firebird column as the system tables describe it, plus how fbsync will read it. */
export interface FirebirdColumn {
  name: string;
  /** Declared type in Firebird's words, e.g. `NUMERIC(15,3)` or `VARCHAR(100) CHARACTER SET WIN1252`. */
  type: string;
  /** undefined when fbsync cannot copy the column faithfully; `unsupported` says why. */
  kind?: ValueKind;
  unsupported?: string;
  nullable: boolean;
  computed: boolean;
  /** SQL expression that reads the column exactly (a CAST for temporal and small scaled types). */
  select: string;
  /** For CHAR columns: Firebird pads with blanks, fbsync removes the padding (as MySQL's CHAR does). */
  padded: boolean;
  /** Binary BLOBs arrive as a fetch function and must be read inside the transaction. */
  blob: boolean;
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

/** Firebird identifiers in double quotes, inner quotes doubled. */
export function quoteFirebird(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Finds a user table by exact name, else by case-insensitive name (unquoted names are upper case). */
export async function resolveFirebirdTable(db: FirebirdDatabase, name: string): Promise<string> {
  const rows = await db.queryAsync<{ NAME: string }>(
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

interface FieldRow {
  NAME: string;
  FTYPE: number;
  SUBTYPE: number | null;
  FLEN: number | null;
  CLEN: number | null;
  FPREC: number | null;
  FSCALE: number | null;
  CHARSET: string | null;
  DIMS: number | null;
  COMPUTED: number;
  NOTNULL: number;
}

export async function describeFirebirdTable(db: FirebirdDatabase, name: string): Promise<FirebirdTable> {
  const table = await resolveFirebirdTable(db, name);
  const fields = await db.queryAsync<FieldRow>(
    `SELECT TRIM(rf.RDB$FIELD_NAME) AS NAME, f.RDB$FIELD_TYPE AS FTYPE, f.RDB$FIELD_SUB_TYPE AS SUBTYPE,
            f.RDB$FIELD_LENGTH AS FLEN, f.RDB$CHARACTER_LENGTH AS CLEN, f.RDB$FIELD_PRECISION AS FPREC,
            f.RDB$FIELD_SCALE AS FSCALE, TRIM(cs.RDB$CHARACTER_SET_NAME) AS CHARSET, f.RDB$DIMENSIONS AS DIMS,
            IIF(f.RDB$COMPUTED_BLR IS NULL, 0, 1) AS COMPUTED,
            COALESCE(rf.RDB$NULL_FLAG, f.RDB$NULL_FLAG, 0) AS NOTNULL
       FROM RDB$RELATION_FIELDS rf
       JOIN RDB$FIELDS f ON f.RDB$FIELD_NAME = rf.RDB$FIELD_SOURCE
       LEFT JOIN RDB$CHARACTER_SETS cs ON cs.RDB$CHARACTER_SET_ID = f.RDB$CHARACTER_SET_ID
      WHERE rf.RDB$RELATION_NAME = ?
      ORDER BY rf.RDB$FIELD_POSITION`,
    [table],
  );
  const keyRows = await db.queryAsync<{ NAME: string }>(
    `SELECT TRIM(s.RDB$FIELD_NAME) AS NAME
       FROM RDB$RELATION_CONSTRAINTS rc
       JOIN RDB$INDEX_SEGMENTS s ON s.RDB$INDEX_NAME = rc.RDB$INDEX_NAME
      WHERE rc.RDB$RELATION_NAME = ? AND rc.RDB$CONSTRAINT_TYPE = 'PRIMARY KEY'
      ORDER BY s.RDB$FIELD_POSITION`,
    [table],
  );
  return { name: table, columns: fields.map(toColumn), key: keyRows.map((r) => r.NAME) };
}

const TEXT_CHARSETS_UNSUPPORTED = new Set(['NONE', 'OCTETS']);

function toColumn(f: FieldRow): FirebirdColumn {
  const q = quoteFirebird(f.NAME);
  const scale = f.FSCALE ?? 0;
  const sub = f.SUBTYPE ?? 0;
  const charset = f.CHARSET ?? undefined;
  const base = {
    name: f.NAME,
    nullable: f.NOTNULL === 0,
    computed: f.COMPUTED === 1,
    select: q,
    padded: false,
    blob: false,
    charset,
  };
  const chars = f.CLEN ?? f.FLEN ?? 0;
  const withCharset = (t: string) => (charset ? `${t} CHARACTER SET ${charset}` : t);
  if ((f.DIMS ?? 0) > 0) {
    return { ...base, type: 'ARRAY', unsupported: 'ARRAY columns cannot be read through node-firebird (they arrive as NULL)' };
  }
  switch (f.FTYPE) {
    case 7:
    case 8:
    case 16: {
      const intName = f.FTYPE === 7 ? 'SMALLINT' : f.FTYPE === 8 ? 'INTEGER' : 'BIGINT';
      if (scale < 0 || sub === 1 || sub === 2) {
        const precision = f.FPREC || (f.FTYPE === 7 ? 4 : f.FTYPE === 8 ? 9 : 18);
        const type = `${sub === 2 ? 'DECIMAL' : 'NUMERIC'}(${precision},${-scale})`;
        // Only INT64-backed values arrive as exact strings; widen the small ones on the server.
        const select = f.FTYPE === 16 ? q : `CAST(${q} AS NUMERIC(18,${-scale}))`;
        return { ...base, type, kind: 'decimal', select, precision, scale: -scale };
      }
      return { ...base, type: intName, kind: f.FTYPE === 16 ? 'bigint' : 'integer' };
    }
    case 10:
      return { ...base, type: 'FLOAT', kind: 'float' };
    case 27:
      return { ...base, type: 'DOUBLE PRECISION', kind: 'double' };
    case 23:
      return { ...base, type: 'BOOLEAN', kind: 'boolean' };
    // node-firebird turns temporal values into JS Dates in the process's time zone, which
    // shifts or loses wall-clock times (DST gaps, LMT offsets). The server's own text form is exact.
    case 12:
      return { ...base, type: 'DATE', kind: 'date', select: `CAST(${q} AS VARCHAR(10))` };
    case 13:
      return { ...base, type: 'TIME', kind: 'time', select: `CAST(${q} AS VARCHAR(13))` };
    case 35:
      return { ...base, type: 'TIMESTAMP', kind: 'timestamp', select: `CAST(${q} AS VARCHAR(24))` };
    case 14:
    case 37: {
      const type = withCharset(`${f.FTYPE === 14 ? 'CHAR' : 'VARCHAR'}(${chars})`);
      if (charset && TEXT_CHARSETS_UNSUPPORTED.has(charset)) {
        return { ...base, type, length: chars, unsupported: `character set ${charset} is not supported yet` };
      }
      return { ...base, type, kind: 'text', padded: f.FTYPE === 14, length: chars };
    }
    case 261: {
      if (sub === 1) {
        const type = withCharset('BLOB SUB_TYPE TEXT');
        if (charset && TEXT_CHARSETS_UNSUPPORTED.has(charset)) {
          return { ...base, type, unsupported: `character set ${charset} is not supported yet` };
        }
        return { ...base, type, kind: 'text' };
      }
      return { ...base, type: `BLOB SUB_TYPE ${sub === 0 ? 'BINARY' : sub}`, kind: 'binary', blob: true };
    }
    default:
      return { ...base, type: `type ${f.FTYPE}`, unsupported: `Firebird field type ${f.FTYPE} is not supported` };
  }
}
