import type { TableSpec } from '../core/table.js';
import type { FirebirdDatabase } from '../firebird/connect.js';
import { databaseIdentity } from '../firebird/identity.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { CheckpointStore } from '../mysql/checkpoint-store.js';
import { VersionStore } from '../mysql/version-store.js';
import { Checkpoints } from '../state/checkpoints.js';
import { RowVersions } from '../state/row-versions.js';
import { SOURCE_COLUMNS_TABLE, SourceColumns, type RememberedColumn } from '../state/source-columns.js';
import type { RunState } from '../state/run-state.js';
import { DEFAULT_SINCE_OVERLAP_SECONDS, WATERMARK_TABLE, Watermark, sinceColumn } from '../state/watermark.js';
import type { SyncOptions } from './options.js';

/** What one table's run keeps in the target between runs, opened for this run. */
interface RunStates {
  checkpoints: Checkpoints;
  watermark: Watermark | undefined;
  versions: RowVersions | undefined;
  /** The source columns this run copies, remembered once it completes. */
  columns: SourceColumns;
  /** The four, in the order they are ended. */
  all: RunState[];
}

/** The source's columns as the last completed run copied them and as this run does; `changed`: they differ. */
export interface ColumnsMemory {
  remembered: RememberedColumn[] | null;
  now: RememberedColumn[];
  changed: boolean;
}

/**
 * Opens the run's states on their stores in the target (none written by a dry run). When the
 * source's columns changed since the last completed run, every row is compared: no resume from
 * a checkpoint, no watermark, no notes of versions; the memory of the columns is left for the
 * next run only once this one completes, so a run stopped midway compares every row again.
 */
export async function openStates(db: FirebirdDatabase, target: MysqlTarget, table: TableSpec, options: SyncOptions, memory: ColumnsMemory): Promise<RunStates> {
  const retry = { retry: options.retry, onRetry: options.onRetry };
  const resume = Boolean(options.resume) && !memory.changed;
  const dryRun = Boolean(options.dryRun);
  // A run of listed `keys` reads part of the table: it saves no checkpoint (nor clears one an
  // unfinished run left) and remembers no columns (the next full run still compares every row).
  const partial = options.keys !== undefined;
  const store = options.checkpoints === false || dryRun || partial ? undefined : await CheckpointStore.open(target, { required: resume, retry });
  // A dry run has no store but may still start where a checkpoint says; load() never creates the table.
  const checkpoints = await Checkpoints.open({ store, read: store ?? new CheckpointStore(target, undefined, retry), table: table.target, resume });
  // The column is checked before the watermarks' table is created for it.
  const since = options.sinceColumn === undefined ? undefined : sinceColumn(table, options.sinceColumn);
  const watermark =
    since === undefined
      ? undefined
      : await Watermark.open({
          store: dryRun ? new CheckpointStore(target, WATERMARK_TABLE, retry) : (await CheckpointStore.open(target, { required: true, table: WATERMARK_TABLE, retry }))!,
          table,
          column: since,
          overlapSeconds: options.sinceOverlapSeconds ?? DEFAULT_SINCE_OVERLAP_SECONDS,
          keep: !dryRun,
          readAll: memory.changed,
        });
  // A resumed run starts past rows it never reads, so it can neither use nor leave whole notes.
  const versions =
    options.rowVersions && !checkpoints.resumedAfter
      ? await RowVersions.open(await VersionStore.open(target, table.target, { readOnly: dryRun, retry, softDelete: table.softDelete }), databaseIdentity(db), table, {
          dryRun,
          delete: Boolean(options.delete),
          ...(memory.changed ? { distrust: "the source table's columns changed since the last run" } : {}),
        })
      : undefined;
  // Where fbsync may not create its tables (or in a dry run), nothing is remembered: every run is then a first run.
  const columnsStore = dryRun || partial ? undefined : await CheckpointStore.open(target, { required: false, table: SOURCE_COLUMNS_TABLE, retry });
  const columns = new SourceColumns(columnsStore, table.target, memory.remembered, memory.now);
  return { checkpoints, watermark, versions, columns, all: [checkpoints, ...(watermark ? [watermark] : []), ...(versions ? [versions] : []), columns] };
}
