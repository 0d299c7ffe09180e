import type mysql from 'mysql2/promise';
import { FbsyncError } from '../core/errors.js';
import type { MysqlTarget } from './connect.js';

export interface MysqlColumn {
  name: string;
  /** Lower case, without size: `decimal`, `varchar`, `datetime`. */
  dataType: string;
  /** Full type as SHOW COLUMNS prints it, e.g. `decimal(15,3)` or `int(11) unsigned`. */
  columnType: string;
  nullable: boolean;
  collation: string | null;
  /** Character set of a text column (`utf8mb4`), else null. */
  charset?: string | null;
  /** CHAR/VARCHAR: characters; BINARY/VARBINARY: bytes; null for other types. */
  maxLength?: number | null;
  /** DECIMAL: digits and digits after the point; null for other types. */
  precision?: number | null;
  scale?: number | null;
  /** TIME, DATETIME, TIMESTAMP: digits of the fraction of a second. */
  fractionDigits?: number | null;
  /** Has a DEFAULT (a literal, an expression, CURRENT_TIMESTAMP); a nullable column defaults to NULL anyway. */
  hasDefault?: boolean;
  autoIncrement?: boolean;
  /** A generated column (`AS (expr) VIRTUAL` or `STORED`), which no INSERT may name. */
  generated?: boolean;
}

export interface MysqlTable {
  database: string;
  name: string;
  columns: MysqlColumn[];
  /** The PRIMARY KEY (named `PRIMARY`) and every UNIQUE index, columns in index order. */
  uniqueKeys: UniqueKey[];
}

export interface UniqueKey {
  name: string;
  columns: string[];
}

/** MySQL identifiers in backticks, inner backticks doubled. */
export function quoteMysql(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** Finds a table of the target database by exact name, else by a unique case-insensitive match. */
export async function resolveMysqlTable(target: MysqlTarget, name: string): Promise<string> {
  const [rows] = await target.pool.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND LOWER(TABLE_NAME) = LOWER(?)`,
    [name],
  );
  const names = rows.map((r) => String(r.name));
  if (names.includes(name)) return name;
  if (names.length === 1) return names[0]!;
  const db = target.server.database;
  if (names.length > 1) {
    throw new FbsyncError('TARGET_TABLE_AMBIGUOUS', `MySQL database ${db} has several tables named like ${name}: ${names.join(', ')}`, {
      hint: 'name the target table exactly',
    });
  }
  throw new FbsyncError('TARGET_TABLE_MISSING', `MySQL table ${db}.${name} does not exist`, {
    hint: 'create it first, with the source columns and the same primary key, or let fbsync create it with `createTables`',
    options: ['createTables'],
  });
}

/** The name of the target database's table matching `name` (exactly, else case-insensitively), or undefined. */
export async function findMysqlTable(target: MysqlTarget, name: string): Promise<string | undefined> {
  try {
    return await resolveMysqlTable(target, name);
  } catch (err) {
    if (err instanceof FbsyncError && err.code === 'TARGET_TABLE_MISSING') return undefined;
    throw err;
  }
}

export async function describeMysqlTable(target: MysqlTarget, name: string): Promise<MysqlTable> {
  const table = await resolveMysqlTable(target, name);
  const [cols] = await target.pool.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
            IS_NULLABLE AS nullable, COLLATION_NAME AS collation, CHARACTER_SET_NAME AS charset,
            CHARACTER_MAXIMUM_LENGTH AS maxLength, NUMERIC_PRECISION AS num_precision,
            NUMERIC_SCALE AS num_scale, DATETIME_PRECISION AS fraction,
            COLUMN_DEFAULT IS NOT NULL AS hasDefault, EXTRA AS extra
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [table],
  );
  const [idx] = await target.pool.query<mysql.RowDataPacket[]>(
    `SELECT INDEX_NAME AS idx, COLUMN_NAME AS col
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND NON_UNIQUE = 0
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table],
  );
  const keys = new Map<string, string[]>();
  for (const r of idx) keys.set(String(r.idx), [...(keys.get(String(r.idx)) ?? []), String(r.col)]);
  return {
    database: target.server.database,
    name: table,
    columns: cols.map((c) => ({
      name: String(c.name),
      dataType: String(c.dataType).toLowerCase(),
      columnType: String(c.columnType).toLowerCase(),
      nullable: c.nullable === 'YES',
      collation: c.collation === null ? null : String(c.collation),
      charset: c.charset === null ? null : String(c.charset),
      maxLength: numberOrNull(c.maxLength),
      // DECIMAL's; integer and float types report theirs too, which nothing here uses.
      precision: String(c.dataType).toLowerCase() === 'decimal' ? numberOrNull(c.num_precision) : null,
      scale: String(c.dataType).toLowerCase() === 'decimal' ? numberOrNull(c.num_scale) : null,
      fractionDigits: numberOrNull(c.fraction),
      // MariaDB shows a nullable column's default as 'NULL'; a NOT NULL column's is NULL only when it has none.
      hasDefault: Number(c.hasDefault) === 1,
      autoIncrement: /\bauto_increment\b/i.test(String(c.extra ?? '')),
      // EXTRA says `VIRTUAL GENERATED` or `STORED GENERATED` (MySQL's `DEFAULT_GENERATED` is a default).
      generated: /\b(virtual|stored|persistent) generated\b/i.test(String(c.extra ?? '')),
    })),
    uniqueKeys: [...keys].map(([name, columns]) => ({ name, columns })),
  };
}

/** information_schema numbers arrive as strings (BIGINT UNSIGNED) or numbers, or NULL. */
function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
