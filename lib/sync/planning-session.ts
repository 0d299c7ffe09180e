import { chooseTables, type TableCatalog } from '../firebird/catalog.js';
import { closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { openMysql, type MysqlTarget } from '../mysql/connect.js';
import type { SyncTablesOptions, TableJob } from './options.js';

/**
 * Runs `work` with both databases of a run open for planning (one MySQL connection) and its
 * tables chosen (the jobs' names, or every table with `allTables`), and closes both whatever
 * happens. What checkTables and mysqlAlterations share; they read, never write.
 */
export async function withPlanningSession<T>(
  options: Pick<SyncTablesOptions, 'from' | 'to' | 'allTables'>,
  jobs: readonly TableJob[],
  work: (db: FirebirdDatabase, target: MysqlTarget, catalog: TableCatalog) => Promise<T>,
): Promise<T> {
  let db: FirebirdDatabase | undefined;
  let target: MysqlTarget | undefined;
  try {
    db = await openFirebird(options.from);
    target = await openMysql(options.to, { connections: 1 });
    const catalog = await chooseTables(db, { tables: options.allTables ? undefined : jobs.map((j) => j.name), allTables: options.allTables });
    return await work(db, target, catalog);
  } finally {
    await target?.end();
    await closeFirebird(db);
  }
}
