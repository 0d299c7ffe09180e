import { chooseTables, type SkippedTable } from '../firebird/catalog.js';
import { closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { describeFirebirdTable, type FirebirdTable } from '../firebird/metadata.js';
import { createTableSql } from '../mysql/ddl.js';
import type { NameMapping } from './names.js';
import type { TableJob } from './options.js';
import { jobOf } from './prepare-tables.js';
import { unsupportedColumns, unsupportedError, planSource, tableDesign } from './plan.js';
import { checkExclusions, excludedColumns } from './exclusions.js';
import { FbsyncError } from '../core/errors.js';

export interface SchemaOptions {
  /** Firebird URI, or an attached database (not closed here). */
  from: string | FirebirdDatabase;
  /** Names, or jobs whose MySQL names (`target`, `columns`) and `excludeColumns` apply, as in syncTables. */
  tables?: ReadonlyArray<string | Pick<TableJob, 'name' | 'target' | 'columns' | 'excludeColumns'>>;
  /** Every user table with a primary key. */
  allTables?: boolean;
  /** `TABLE.COLUMN` entries; a bare `COLUMN` applies to every table. */
  excludeColumns?: readonly string[];
  names?: NameMapping;
  /** As for syncing: how text in character set NONE is read, and so typed. */
  noneCharset?: string;
}

export interface MysqlSchema {
  tables: Array<{ table: string; target: string; sql: string }>;
  skipped: SkippedTable[];
}

/**
 * The CREATE TABLE statements syncTables with `createTables` would run, from the Firebird side alone:
 * the same planning (a table without a key, an ARRAY column not excluded, … are refused the same
 * way) and the same type mapping.
 */
export async function mysqlSchema(options: SchemaOptions): Promise<MysqlSchema> {
  const named = (options.tables ?? []).length > 0;
  if (named === Boolean(options.allTables)) {
    throw named
      ? new FbsyncError('OPTION', '`tables` and `allTables` both given', { hint: 'pass one of them', options: ['tables', 'allTables'] })
      : new FbsyncError('OPTION', 'no tables named', { hint: 'pass `tables` or `allTables`', options: ['tables', 'allTables'] });
  }
  const db = typeof options.from === 'string' ? await openFirebird(options.from) : options.from;
  try {
    const jobs = (options.tables ?? []).map((t) => (typeof t === 'string' ? { name: t } : t));
    const { tables, skipped } = await chooseTables(db, { tables: jobs.map((j) => j.name), allTables: options.allTables });
    const sources: FirebirdTable[] = [];
    for (const table of tables) sources.push(await describeFirebirdTable(db, table, { noneCharset: options.noneCharset }));
    checkExclusions(options.excludeColumns ?? [], sources);
    // Every column that cannot be copied, in every table, named at once rather than one per run.
    const leftOut = (s: FirebirdTable) => [...excludedColumns(options.excludeColumns ?? [], s.name), ...(jobOf(jobs, s.name)?.excludeColumns ?? [])];
    const unsupported = sources.flatMap((s) => unsupportedColumns(s, leftOut(s)));
    if (unsupported.length > 0) throw unsupportedError(unsupported);
    const out = sources.map((source) => {
      const job = jobOf(jobs, source.name);
      const plan = planSource(source, { excludeColumns: leftOut(source), names: options.names, targetTable: job?.target, columns: job?.columns });
      return { table: source.name, target: plan.target, sql: createTableSql(tableDesign(plan)) };
    });
    return { tables: out, skipped };
  } finally {
    if (typeof options.from === 'string') await closeFirebird(db);
  }
}

/** The statements as one SQL script, the skipped tables as comments. */
export function formatSchema(schema: MysqlSchema): string {
  const parts = schema.tables.map((t) => `${t.sql};`);
  for (const s of schema.skipped) parts.push(`-- skipped ${s.table}: ${s.reason}`);
  return parts.join('\n\n');
}
