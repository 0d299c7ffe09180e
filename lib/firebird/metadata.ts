/**
 * A Firebird table as its catalog describes it: the table by name, its columns and primary key.
 * How each column type is read is lib/firebird/column-types.ts.
 */
import { FbsyncError } from '../core/errors.js';
import { toColumn, type FieldRow, type FirebirdColumn } from './column-types.js';
import type { FirebirdDatabase } from './connect.js';
import { readQuery } from './read.js';
import type { TableSpec } from '../core/table.js';
import type { Predicate } from '../core/keyset.js';

export type { FirebirdColumn } from './column-types.js';

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

/** A table's key columns as keyset predicates name them in Firebird: quoted, each with its parameter's cast. */
export function firebirdKeyColumns(table: TableSpec): { sql: string; param: string }[] {
  return table.key.map((i) => ({ sql: quoteFirebird(table.columns[i]!.source), param: table.columns[i]!.firebird.param ?? '?' }));
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
    hint: 'check the table name against the source database',
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
      hint: 'name the encoding the application wrote in `noneCharset`, e.g. WIN1252, ISO8859_1 or UTF8 (or OCTETS to copy the bytes)',
      options: ['noneCharset'],
      value: name,
    });
  }
  return found;
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
    columns: fields.map((f) => toColumn(f, { quoted: quoteFirebird(f.NAME), noneAs, bounds: bounds.get(f.DOMAIN) })),
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
 * Refuses, before anything is written, a table the attachment's user may not read (no SELECT
 * on it, or on one of the columns read): otherwise the tables named before it would be synced
 * and the run would fail half-way. Selecting no row costs Firebird only the access check.
 */
export async function checkReadable(db: FirebirdDatabase, table: FirebirdTable, excluded: readonly string[] = []): Promise<void> {
  const left = new Set(excluded.map((c) => c.toUpperCase()));
  const selects = table.columns.filter((c) => !left.has(c.name.toUpperCase())).map((c) => c.select);
  try {
    await readQuery(db, `SELECT FIRST 0 ${selects.join(', ') || '1'} FROM ${quoteFirebird(table.name)}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!/no permission/i.test(message)) throw err;
    const [who] = await readQuery<{ U: string }>(db, 'SELECT TRIM(CURRENT_USER) AS U FROM RDB$DATABASE').catch(() => []);
    throw new FbsyncError('SOURCE_PRIVILEGE', `Firebird user ${who?.U ?? 'of the Firebird URI'} may not read table ${table.name}: ${message}`, {
      hint: `GRANT SELECT ON ${quoteFirebird(table.name)} TO USER ${who?.U ?? '…'} (as its owner or SYSDBA), or leave ${table.name} out of \`tables\``,
      options: ['tables'],
      cause: err,
    });
  }
}

/**
 * Rows in a table now (those `where` keeps, if given), read without waiting on rows other
 * transactions are changing.
 */
export async function countRows(db: FirebirdDatabase, table: string, where?: Predicate, atMost?: number): Promise<number> {
  // Not db.queryAsync: its transaction would wait for any row another transaction is changing.
  const filter = where ? ` WHERE ${where.sql}` : '';
  // With `atMost`, the scan stops there: the answer is min(rows, atMost), for a caller that only
  // needs to know whether the table holds that many.
  const from = atMost === undefined ? `${quoteFirebird(table)}${filter}` : `(SELECT FIRST ${Math.max(0, Math.floor(atMost))} 1 AS ONE FROM ${quoteFirebird(table)}${filter})`;
  const [row] = await readQuery<{ N: number | string }>(db, `SELECT COUNT(*) AS N FROM ${from}`, where ? [...where.params] : []);
  return Number(row?.N ?? 0);
}
