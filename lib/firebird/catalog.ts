import type { FirebirdDatabase } from './connect.js';
import { readQuery } from './read.js';

/** A table `allTables` leaves out, and why. */
export interface SkippedTable {
  table: string;
  reason: string;
}

export interface TableCatalog {
  /** User tables with a primary key, by name. */
  tables: string[];
  skipped: SkippedTable[];
}

/**
 * The tables a whole-database sync copies: every user table with a primary key. Views and
 * system tables are not tables to copy and are not mentioned; a table without a primary key, a
 * global temporary table (its rows belong to one session) and an external table are listed as
 * skipped, with the reason.
 */
export async function listFirebirdTables(db: FirebirdDatabase): Promise<TableCatalog> {
  const rows = await readQuery<{ NAME: string; RTYPE: number | null; HAS_KEY: number }>(
    db,
    `SELECT TRIM(r.RDB$RELATION_NAME) AS NAME, r.RDB$RELATION_TYPE AS RTYPE,
            IIF(EXISTS (SELECT 1 FROM RDB$RELATION_CONSTRAINTS rc
                         WHERE rc.RDB$RELATION_NAME = r.RDB$RELATION_NAME AND rc.RDB$CONSTRAINT_TYPE = 'PRIMARY KEY'), 1, 0) AS HAS_KEY
       FROM RDB$RELATIONS r
      WHERE COALESCE(r.RDB$SYSTEM_FLAG, 0) = 0 AND r.RDB$VIEW_BLR IS NULL
      ORDER BY r.RDB$RELATION_NAME`,
  );
  const catalog: TableCatalog = { tables: [], skipped: [] };
  for (const r of rows) {
    // RDB$RELATION_TYPE: 0 persistent, 1 view, 2 external, 3 virtual (monitoring), 4 and 5 global temporary.
    const type = r.RTYPE ?? 0;
    if (type === 1 || type === 3) continue;
    if (type === 4 || type === 5) catalog.skipped.push({ table: r.NAME, reason: 'global temporary table' });
    else if (type === 2) catalog.skipped.push({ table: r.NAME, reason: 'external table' });
    else if (!r.HAS_KEY) catalog.skipped.push({ table: r.NAME, reason: 'no primary key' });
    else catalog.tables.push(r.NAME);
  }
  return catalog;
}

/**
 * The tables named, or with `all` every table `listFirebirdTables` finds. Named tables are not
 * checked here: planning them reports a missing one, or one without a key, by name.
 */
export async function chooseTables(db: FirebirdDatabase, options: { tables?: readonly string[]; allTables?: boolean }): Promise<TableCatalog> {
  if (options.allTables) return listFirebirdTables(db);
  return { tables: [...(options.tables ?? [])], skipped: [] };
}
