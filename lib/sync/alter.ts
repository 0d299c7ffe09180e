import type { SkippedTable } from '../firebird/catalog.js';
import { describeFirebirdTable, type FirebirdTable } from '../firebird/metadata.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { describeMysqlTable, findMysqlTable } from '../mysql/metadata.js';
import { alterTableSql, tableChanges } from './alter-table.js';
import { checkExclusions } from './exclusions.js';
import type { SyncTablesOptions } from './options.js';
import { planSource, unsupportedColumns, unsupportedError } from './plan.js';
import { checkJobs, checkTablesOptions, columnsLeftOut, goneColumns, jobOf, prepareTable, tableJobs } from './prepare-tables.js';
import { targetTableName } from './names.js';
import { withPlanningSession } from './planning-session.js';

/** One table of mysqlAlterations. */
export interface TableAlteration {
  /** Firebird table. */
  table: string;
  /** Its MySQL table, as found (or as it would be created). */
  target: string;
  /** `exact`: nothing to change; `alter`: `sql` is one ALTER TABLE; `create`: the table is missing, `sql` is what `createTables` would run. */
  status: 'exact' | 'alter' | 'create';
  /** Why the table is not exact, one line per column or key. */
  reasons: string[];
  sql?: string;
}

export interface MysqlAlterations {
  tables: TableAlteration[];
  /** Tables `allTables` leaves out, with the reason. */
  skipped: SkippedTable[];
}

/**
 * What would make each table's MySQL table hold its source exactly, as `createTables` would
 * have made it (see tableChanges for what is compared and what is left alone): per table, one
 * ALTER TABLE with every change, nothing for a table already exact, and for a missing table
 * the CREATE TABLE `createTables` would run. Takes the run's options as syncTables does —
 * `tables` with their `target`, `columns` and `excludeColumns`, `allTables`, `excludeColumns`, `names`,
 * `noneCharset`, `softDelete` — and is refused as a run would be (no key, an unreadable column not left out,
 * two columns mapped to one name). Reads both schemas; writes nothing.
 */
export async function mysqlAlterations(options: SyncTablesOptions): Promise<MysqlAlterations> {
  checkTablesOptions(options);
  const jobs = tableJobs(options);
  return withPlanningSession(options, jobs, async (db, target, { tables, skipped }) => {
    const sources: FirebirdTable[] = [];
    for (const name of tables) sources.push(await describeFirebirdTable(db, name, { noneCharset: options.noneCharset }));
    checkJobs(jobs, sources, options);
    // A column Firebird dropped may be left out, as a sync allows (see goneColumns).
    checkExclusions(options.excludeColumns ?? [], sources, await goneColumns(target, sources, jobs, options));
    // Every column that cannot be copied, in every table, named at once rather than one per run.
    const unsupported = sources.flatMap((s) => unsupportedColumns(s, columnsLeftOut(options, jobOf(jobs, s.name), s.name)));
    if (unsupported.length > 0) throw unsupportedError(unsupported);
    const out: TableAlteration[] = [];
    for (const source of sources) out.push(await alterationOf(target, source, options, jobs));
    return { tables: out, skipped };
  });
}

async function alterationOf(target: MysqlTarget, source: FirebirdTable, options: SyncTablesOptions, jobs: ReturnType<typeof tableJobs>): Promise<TableAlteration> {
  const job = jobOf(jobs, source.name);
  const existing = await findMysqlTable(target, job?.target ?? targetTableName(options.names, source.name), source.name);
  if (!existing) {
    const prepared = await prepareTable(target, source, job, { ...options, createTables: true });
    return { table: source.name, target: prepared.target, status: 'create', reasons: ['does not exist'], sql: prepared.create };
  }
  const plan = planSource(source, { excludeColumns: columnsLeftOut(options, job, source.name), names: options.names, targetTable: existing, columns: job?.columns });
  const softDelete = (job?.delete ?? options.delete) ? (job?.softDelete ?? options.softDelete) : undefined;
  const { reasons, clauses } = tableChanges(plan, await describeMysqlTable(target, existing), { softDelete });
  if (clauses.length === 0) return { table: source.name, target: existing, status: 'exact', reasons };
  return { table: source.name, target: existing, status: 'alter', reasons, sql: alterTableSql(existing, clauses) };
}

/**
 * The statements as one SQL script: per table a comment saying why, then its statement; a
 * table already exact as one comment line, the skipped tables as comments, like formatSchema.
 */
export function formatAlterations(alterations: MysqlAlterations): string {
  const parts = alterations.tables.map((t) => {
    const names = `-- ${t.table} -> ${t.target}`;
    if (t.status === 'exact') return `${names}: exact`;
    if (t.status === 'create') return `${names}: does not exist; fbsync would create it so:\n${t.sql};`;
    return [`${names}: not exact`, ...t.reasons.map((r) => `--   ${r.replace(/[\r\n]+/g, ' ')}`), `${t.sql};`].join('\n');
  });
  for (const s of alterations.skipped) parts.push(`-- skipped ${s.table}: ${s.reason}`);
  return parts.join('\n\n');
}
