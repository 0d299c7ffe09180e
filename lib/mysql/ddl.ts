import { FbsyncError } from '../core/errors.js';
import { utf8BytesPerChar, type ValueShape } from '../core/shape.js';
import { quoteMysql } from './metadata.js';

/**
 * The MySQL table fbsync creates for a Firebird table: one column per source column, typed to
 * hold every value the source column can hold and to read it back unchanged, NOT NULL where
 * the source is, the same primary key, utf8mb4 throughout.
 *
 * | value shape                  | MySQL type                                                   |
 * |------------------------------|--------------------------------------------------------------|
 * | SMALLINT, INTEGER, BIGINT    | SMALLINT, INT, BIGINT                                        |
 * | NUMERIC/DECIMAL(p,s)         | DECIMAL(5|10|19, s): the digits of its storage, not just p   |
 * | FLOAT, DOUBLE PRECISION      | FLOAT, DOUBLE                                                |
 * | BOOLEAN                      | BOOLEAN (TINYINT(1))                                         |
 * | DATE, TIME, TIMESTAMP        | DATE, TIME(4), DATETIME(4)                                   |
 * | CHAR(n) / VARCHAR(n) text    | CHAR(n) (n ≤ 255) / VARCHAR(n); TEXT types when too wide     |
 * | BLOB SUB_TYPE TEXT           | LONGTEXT                                                     |
 * | bytes of n / fixed n         | VARBINARY(n) / BINARY(n); BLOB types when too wide           |
 * | BLOB SUB_TYPE BINARY         | LONGBLOB                                                     |
 *
 * Text key columns get COLLATE utf8mb4_bin: fbsync orders keys by code point, as Firebird's
 * binary collations do, and a case-insensitive key would merge 'abc' and 'ABC'.
 */
export interface DdlColumn {
  /** MySQL column name. */
  name: string;
  shape: ValueShape;
  nullable: boolean;
  /** Where the column comes from, shown as an SQL comment (`NUMERIC(15,2), domain SALARY`). */
  comment?: string;
}

export interface TableDesign {
  /** MySQL table name. */
  name: string;
  columns: DdlColumn[];
  /** Indexes into `columns` of the primary key, in key order. */
  key: number[];
}

/**
 * MySQL's limit on a row's columns, BLOBs and TEXTs counted by their pointers only; and InnoDB's,
 * half a 16 KiB page for the part of a row stored inline (ROW_FORMAT=DYNAMIC keeps a column
 * of more than 255 bytes, and any BLOB or TEXT, off the page behind a 20-byte pointer). Tables
 * wider than either get their widest non-key text and byte columns as TEXT and BLOB types.
 */
export const MYSQL_ROW_BYTES = 65_535;
export const INNODB_ROW_BYTES = 8_126;
/** Record header, transaction id and roll pointer, measured against MariaDB 10.11. */
const INNODB_ROW_OVERHEAD = 20;
/** Off-page pointer plus length byte of a long column. */
const INNODB_OFF_PAGE = 21;
/** InnoDB's limit on an index key: 3072 bytes (ROW_FORMAT=DYNAMIC, 16 KiB pages). */
export const INNODB_KEY_BYTES = 3_072;
/** utf8mb4's widest character; MySQL sizes every text column by it. */
const MB4 = 4;

interface TypeChoice {
  sql: string;
  /** Bytes counted against MYSQL_ROW_BYTES. */
  row: number;
  /** Bytes stored inline by InnoDB, at most, counted against INNODB_ROW_BYTES. */
  inline: number;
  /** Bytes in an index key. */
  key: number;
  /** The same values as a TEXT or BLOB type, for a table too wide; undefined when already one. */
  wide?: () => TypeChoice;
}

/** The MySQL column types of a table, in column order, after fitting the row into MySQL's limits. */
export function mysqlColumnTypes(design: TableDesign): string[] {
  const keys = new Set(design.key);
  const choices = design.columns.map((c, i) => chooseType(c.shape, keys.has(i)));
  const keyBytes = design.key.reduce((n, i) => n + choices[i]!.key, 0);
  if (keyBytes > INNODB_KEY_BYTES) {
    const cols = design.key.map((i) => design.columns[i]!.name).join(', ');
    throw new FbsyncError('TARGET_KEY_TOO_LONG', `the primary key (${cols}) of MySQL table ${design.name} would take ${keyBytes} bytes, more than InnoDB's ${INNODB_KEY_BYTES}`, {
      hint: 'create the MySQL table yourself (e.g. with a shorter key column) and sync without `createTables`',
      options: ['createTables'],
    });
  }
  const nullBytes = Math.ceil(design.columns.filter((c) => c.nullable).length / 8);
  for (;;) {
    const row = choices.reduce((n, c) => n + c.row, nullBytes);
    const inline = choices.reduce((n, c) => n + c.inline, nullBytes + INNODB_ROW_OVERHEAD);
    if (row <= MYSQL_ROW_BYTES && inline <= INNODB_ROW_BYTES) break;
    // Over MySQL's limit, the widest column frees the most; over InnoDB's, the one with the most inline bytes.
    const measure = row > MYSQL_ROW_BYTES ? (c: TypeChoice) => c.row : (c: TypeChoice) => c.inline - INNODB_OFF_PAGE;
    let widest = -1;
    choices.forEach((c, i) => {
      if (c.wide && measure(c) > 0 && (widest < 0 || measure(c) > measure(choices[widest]!))) widest = i;
    });
    if (widest < 0) {
      throw new FbsyncError('TARGET_ROW_TOO_WIDE', `MySQL table ${design.name} cannot hold a row of its ${design.columns.length} columns (${row} bytes, ${inline} inline in InnoDB) even with every non-key text column as TEXT`, {
        hint: 'leave some columns out with `excludeColumns`, or create the MySQL table yourself',
        options: ['excludeColumns'],
      });
    }
    choices[widest] = choices[widest]!.wide!();
  }
  return choices.map((c) => c.sql);
}

/** `CREATE TABLE …` for the design, with a comment per column saying where it comes from. */
export function createTableSql(design: TableDesign): string {
  const types = mysqlColumnTypes(design);
  const lines = design.columns.map((c, i) => {
    const def = `  ${quoteMysql(c.name)} ${types[i]}${c.nullable ? '' : ' NOT NULL'},`;
    return c.comment ? `${def} -- ${c.comment.replace(/[\r\n]+/g, ' ')}` : def;
  });
  lines.push(`  PRIMARY KEY (${design.key.map((i) => quoteMysql(design.columns[i]!.name)).join(', ')})`);
  return `CREATE TABLE ${quoteMysql(design.name)} (\n${lines.join('\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC`;
}

/**
 * One column's definition on its own, as ALTER TABLE wants it: `name` TYPE, then the character
 * set spelled out for text (an ALTER takes the table's default, which may be latin1), NOT NULL
 * where the source is. `type` overrides the type chosen from the shape (mysqlColumnTypes' choice
 * for a wide table).
 */
export function columnDefinitionSql(column: DdlColumn, options: { key?: boolean; type?: string } = {}): string {
  let type = options.type ?? mysqlType(column.shape, { key: options.key });
  if (column.shape.kind === 'text') {
    const collate = type.indexOf(' COLLATE ');
    type = collate < 0 ? `${type} CHARACTER SET utf8mb4` : `${type.slice(0, collate)} CHARACTER SET utf8mb4${type.slice(collate)}`;
  }
  return `${quoteMysql(column.name)} ${type}${column.nullable ? '' : ' NOT NULL'}`;
}

/** `ALTER TABLE t ADD COLUMN …` for a column the MySQL table lacks. */
export function addColumnSql(table: string, column: DdlColumn, options: { key?: boolean; type?: string } = {}): string {
  return `ALTER TABLE ${quoteMysql(table)} ADD COLUMN ${columnDefinitionSql(column, options)}`;
}

/** `ALTER TABLE t MODIFY COLUMN …` for a column whose type cannot hold the source's values. */
export function modifyColumnSql(table: string, column: DdlColumn, options: { key?: boolean; type?: string } = {}): string {
  return `ALTER TABLE ${quoteMysql(table)} MODIFY COLUMN ${columnDefinitionSql(column, options)}`;
}

/** The MySQL type for one column on its own (no row limits applied). */
export function mysqlType(shape: ValueShape, options: { key?: boolean } = {}): string {
  return chooseType(shape, Boolean(options.key)).sql;
}

function fixed(sql: string, bytes: number): TypeChoice {
  return { sql, row: bytes, inline: bytes, key: bytes };
}

function chooseType(shape: ValueShape, key: boolean): TypeChoice {
  switch (shape.kind) {
    case 'integer':
      return shape.bits === 16 ? fixed('SMALLINT', 2) : fixed('INT', 4);
    case 'bigint':
      return fixed('BIGINT', 8);
    case 'decimal': {
      // Firebird enforces the storage, not the declared precision: NUMERIC(4,1) holds 3276.7.
      const m = Math.max(shape.digits, shape.scale);
      return fixed(`DECIMAL(${m},${shape.scale})`, decimalBytes(m, shape.scale));
    }
    case 'float':
      return fixed('FLOAT', 4);
    case 'double':
      return fixed('DOUBLE', 8);
    case 'boolean':
      return fixed('BOOLEAN', 1);
    case 'date':
      return fixed('DATE', 3);
    case 'time':
      return fixed('TIME(4)', 5);
    case 'timestamp':
      return fixed('DATETIME(4)', 7);
    case 'text':
      return textType(shape, key);
    case 'binary':
      return binaryType(shape, key);
  }
}

function textType(shape: Extract<ValueShape, { kind: 'text' }>, key: boolean): TypeChoice {
  const collate = key ? ' COLLATE utf8mb4_bin' : '';
  // A TEXT type must hold the longest value in real UTF-8 bytes; VARCHAR's limits count 4 per character.
  const lob = () => lobType('TEXT', shape.length === undefined ? undefined : shape.length * utf8BytesPerChar(shape.charset));
  if (shape.length === undefined) return lob();
  const n = shape.length;
  const bytes = n * MB4;
  const sql = shape.fixed && n <= 255 ? `CHAR(${n})` : `VARCHAR(${n})`;
  const lengthBytes = sql.startsWith('CHAR') ? 0 : bytes > 255 ? 2 : 1;
  // Too wide for VARCHAR at all: a TEXT type, except for a key, which the key check then refuses.
  if (bytes + lengthBytes > MYSQL_ROW_BYTES && !key) return lob();
  return {
    sql: `${sql}${collate}`,
    row: bytes + lengthBytes,
    inline: bytes <= 255 ? bytes + 1 : INNODB_OFF_PAGE,
    key: bytes,
    wide: key ? undefined : lob,
  };
}

function binaryType(shape: Extract<ValueShape, { kind: 'binary' }>, key: boolean): TypeChoice {
  const lob = () => lobType('BLOB', shape.length);
  if (shape.length === undefined) return lob();
  const n = shape.length;
  // BINARY(n) pads to n with zero bytes, which is exactly what CHAR(n) CHARACTER SET OCTETS holds.
  if (shape.fixed && n <= 255) return { ...fixed(`BINARY(${n})`, n), wide: key ? undefined : lob };
  const lengthBytes = n > 255 ? 2 : 1;
  if (n + lengthBytes > MYSQL_ROW_BYTES && !key) return lob();
  return { sql: `VARBINARY(${n})`, row: n + lengthBytes, inline: n <= 255 ? n + 1 : INNODB_OFF_PAGE, key: n, wide: key ? undefined : lob };
}

/** The smallest TEXT or BLOB type holding `bytes` (LONG… when unbounded). */
function lobType(family: 'TEXT' | 'BLOB', bytes: number | undefined): TypeChoice {
  const prefix = bytes === undefined || bytes > 16_777_215 ? 'LONG' : bytes > 65_535 ? 'MEDIUM' : '';
  // A TEXT or BLOB counts its length bytes plus an 8-byte pointer against the row limit.
  const row = prefix === 'LONG' ? 12 : prefix === 'MEDIUM' ? 11 : 10;
  return { sql: `${prefix}${family}`, row, inline: INNODB_OFF_PAGE, key: Number.POSITIVE_INFINITY };
}

/** DECIMAL(m,d) storage: 4 bytes per 9 digits on each side of the point, fewer for the rest. */
export function decimalBytes(m: number, d: number): number {
  const LEFTOVER = [0, 1, 1, 2, 2, 3, 3, 4, 4];
  const side = (digits: number) => Math.floor(digits / 9) * 4 + LEFTOVER[digits % 9]!;
  return side(m - d) + side(d);
}
