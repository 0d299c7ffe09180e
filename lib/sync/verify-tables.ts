import { chooseTables, type TableCatalog } from '../firebird/catalog.js';
import { closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { openMysql, type MysqlTarget } from '../mysql/connect.js';
import { excludedColumns } from './exclusions.js';
import type { TableJob } from './options.js';
import { verifyTable } from './verify-table.js';
import type { VerifyOptions, VerifyTablesOptions, VerifyTablesReport } from './verify-options.js';

/**
 * `verifyTable` for each table of a run (names, jobs, or every table with a primary key), one
 * after another on one Firebird attachment and one MySQL pool. Reads only; the first error
 * (a table missing on either side, say) ends the run, as a failed plan ends a sync.
 */
export async function verifyTables(options: VerifyTablesOptions): Promise<VerifyTablesReport> {
  const started = Date.now();
  const { results: tables, skipped } = await eachTable(options, verifyTable);
  return { tables, skipped, identical: tables.every((t) => t.identical), elapsedMs: Date.now() - started };
}

/**
 * Runs `work` for each table of a verify run, one after another, with that table's VerifyOptions
 * (its job's target, columns and exclusions) on one Firebird attachment and one MySQL pool,
 * closed at the end. What verifyTables and repairTables share.
 */
export async function eachTable<T>(options: VerifyTablesOptions, work: (table: VerifyOptions) => Promise<T>): Promise<{ results: T[]; skipped: TableCatalog['skipped'] }> {
  let db: FirebirdDatabase | undefined;
  let target: MysqlTarget | undefined;
  try {
    db = await openFirebird(options.from);
    target = await openMysql(options.to, { connections: 2 });
    const jobs: Pick<TableJob, 'name' | 'target' | 'excludeColumns' | 'columns'>[] = (options.tables ?? []).map((t) => (typeof t === 'string' ? { name: t } : t));
    const catalog = await chooseTables(db, { tables: options.allTables ? undefined : jobs.map((j) => j.name), allTables: options.allTables });
    const results: T[] = [];
    for (const name of catalog.tables) {
      const job = jobs.find((j) => j.name === name) ?? jobs.find((j) => j.name.toUpperCase() === name.toUpperCase());
      const excludeColumns = [...excludedColumns(options.excludeColumns ?? [], name), ...(job?.excludeColumns ?? [])];
      results.push(await work({ ...options, from: db, to: target, table: name, targetTable: job?.target, excludeColumns, columns: job?.columns }));
    }
    return { results, skipped: catalog.skipped };
  } finally {
    await target?.end();
    await closeFirebird(db);
  }
}
