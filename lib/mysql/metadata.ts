import type mysql from 'mysql2/promise';
import { FbsyncError } from '../errors.js';
import type { MysqlTarget } from './connect.js';

export interface MysqlColumn {
  name: string;
  dataType: string;
  /** Full type as SHOW COLUMNS prints it, e.g. `decimal(15,3)`. */
  columnType: string;
  nullable: boolean;
  collation: string | null;
}

export interface MysqlTable {
  database: string;
  name: string;
  columns: MysqlColumn[];
  /** Column lists of the PRIMARY KEY and every UNIQUE index. */
  uniqueKeys: string[][];
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
    hint: 'create it first, with the source columns and the same primary key',
  });
}

export async function describeMysqlTable(target: MysqlTarget, name: string): Promise<MysqlTable> {
  const table = await resolveMysqlTable(target, name);
  const [cols] = await target.pool.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
            IS_NULLABLE AS nullable, COLLATION_NAME AS collation
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
      dataType: String(c.dataType),
      columnType: String(c.columnType),
      nullable: c.nullable === 'YES',
      collation: c.collation === null ? null : String(c.collation),
    })),
    uniqueKeys: [...keys.values()],
  };
}
