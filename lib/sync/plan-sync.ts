import type { TableSpec } from '../core/table.js';
import type { FirebirdDatabase } from '../firebird/connect.js';
import { describeFirebirdTable } from '../firebird/metadata.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { describeMysqlTable } from '../mysql/metadata.js';
import { targetTableName, type NameMapping } from './names.js';
import { planTable, type PlanOptions } from './plan.js';

/** Reads both schemas and decides how every column is copied; throws before any row moves. */
export async function planSync(
  db: FirebirdDatabase,
  target: MysqlTarget,
  options: { table: string; targetTable?: string; excludeColumns?: readonly string[]; names?: NameMapping; noneCharset?: string } & Pick<PlanOptions, 'strict' | 'softDelete' | 'roundToTarget'>,
): Promise<TableSpec> {
  const source = await describeFirebirdTable(db, options.table, { noneCharset: options.noneCharset });
  const dest = await describeMysqlTable(target, options.targetTable ?? targetTableName(options.names, source.name));
  return planTable(source, dest, { excludeColumns: options.excludeColumns, names: options.names, targetTable: options.targetTable, strict: options.strict, softDelete: options.softDelete, roundToTarget: options.roundToTarget });
}
