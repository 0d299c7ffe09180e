import { FbsyncError } from '../core/errors.js';
import type { Key } from '../core/table.js';
import type { FirebirdDatabase } from '../firebird/connect.js';
import type { SyncOptions } from './options.js';
import type { SyncReport } from './sync-report.js';
import { syncTable } from './sync-table.js';
import { verifyTable } from './verify-table.js';
import { eachTable } from './verify-tables.js';
import type { VerifyOptions, VerifyReport, VerifyTablesOptions } from './verify-options.js';

/**
 * Rows a repair takes by key, per table. Past it a plain sync, which compares every row, is the
 * cheaper repair (a row read by key costs Firebird about three rows of a range read), and the
 * keys held until the repair would no longer be a small, bounded list.
 */
export const MAX_REPAIR_KEYS = 100_000;

/** What a repair may do besides writing the rows found missing or different (as SyncOptions). */
export type RepairChoices = Pick<SyncOptions, 'delete' | 'maxDelete' | 'softDelete' | 'maxErrors' | 'rejectFile' | 'onReject' | 'dryRun' | 'parallel' | 'retry' | 'wait'>;

export interface RepairTablesOptions extends VerifyTablesOptions, RepairChoices {
  /** Differences a table may have for a repair by key; default MAX_REPAIR_KEYS. */
  maxKeys?: number;
  /** Told when a table is verified, repaired and verified again. */
  onTable?: (report: TableRepair) => void;
}

/** One table: what verify found, what the repair wrote, and the verify after it. */
export interface TableRepair {
  found: VerifyReport;
  /** The sync of the keys found (absent when the table was identical). */
  repair?: SyncReport;
  /** The table verified again after the repair (absent when the table was identical, or in a dry run). */
  after?: VerifyReport;
}

export interface RepairTablesReport {
  tables: TableRepair[];
  skipped: { table: string; reason: string }[];
  /** Every table identical at the end: as found, or after its repair. */
  identical: boolean;
  elapsedMs: number;
}

/**
 * verify, then a sync of only the keys found (SyncOptions.keys) — rows missing from the target
 * or with other values; rows only the target has just with `delete`, under `maxDelete` as a sync
 * deletes — then verify again, table by table. A table with more differences than
 * MAX_REPAIR_KEYS is refused (REPAIR_TOO_MANY): sync it instead.
 */
export async function repairTables(options: RepairTablesOptions): Promise<RepairTablesReport> {
  const started = Date.now();
  const { results: tables, skipped } = await eachTable(options, async (verify) => {
    const repaired = await repairTable(verify, options);
    options.onTable?.(repaired);
    return repaired;
  });
  const identical = tables.every((t) => (t.after ?? t.found).identical);
  return { tables, skipped, identical, elapsedMs: Date.now() - started };
}

async function repairTable(verify: VerifyOptions, choices: RepairTablesOptions): Promise<TableRepair> {
  const keys: Key[] = [];
  const most = choices.maxKeys ?? MAX_REPAIR_KEYS;
  let differences = 0;
  const found = await verifyTable({
    ...verify,
    onDifference: (d) => {
      verify.onDifference?.(d);
      // Rows only the target has are the sync's to delete only with `delete`.
      if (d.kind === 'extra' && !choices.delete) return;
      differences++;
      if (keys.length < most) keys.push(d.key);
    },
  });
  if (found.identical || differences === 0) return { found };
  if (differences > most) {
    throw new FbsyncError('REPAIR_TOO_MANY', `${differences.toLocaleString('en-US')} rows of ${found.table} differ from ${found.target}, more than the ${most.toLocaleString('en-US')} a repair takes by key`, {
      hint: `sync the table instead: a sync compares every row, which at this share of the table is the faster repair`,
      value: differences,
    });
  }
  const from = verify.from as FirebirdDatabase;
  const repair = await syncTable({
    from,
    to: verify.to,
    table: verify.table,
    targetTable: found.target,
    excludeColumns: verify.excludeColumns,
    names: verify.names,
    columns: verify.columns,
    noneCharset: verify.noneCharset,
    roundToTarget: verify.roundToTarget,
    keys,
    delete: choices.delete,
    maxDelete: choices.maxDelete,
    softDelete: choices.softDelete,
    maxErrors: choices.maxErrors,
    rejectFile: choices.rejectFile,
    onReject: choices.onReject,
    dryRun: choices.dryRun,
    parallel: choices.parallel,
    retry: choices.retry,
    wait: choices.wait,
  });
  if (choices.dryRun) return { found, repair };
  const after = await verifyTable({ ...verify, onDifference: undefined });
  return { found, repair, after };
}
