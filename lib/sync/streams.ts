import type { Readable } from 'node:stream';
import { bothHandlers, closed, discard } from './stream-ends.js';
import { ListedKeys } from './listed-keys.js';
import createDebug from 'debug';
import { addCounts, zeroCounts, type ChangeSet, type Counts } from '../core/change-set.js';
import type { TableSpec } from '../core/table.js';
import { abandonFirebird, closeFirebird, openFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { againIfLost } from '../firebird/retry.js';
import { hasBlobs } from '../firebird/select-list.js';
import { sinceFilter } from '../firebird/since-filter.js';
import { limitWatermark } from './since-limit.js';
import { DEFAULT_PAGE_SIZE, firebirdSource } from '../firebird/source.js';
import { openMysql, type MysqlTarget } from '../mysql/connect.js';
import { mysqlTargetReader } from '../mysql/reader.js';
import type { TableLock } from '../mysql/table-lock.js';
import { DEFAULT_PARALLEL, localDateTime, mysqlSink, type MysqlSink } from '../mysql/sink.js';
import { deleteGuardWhenCounted, type DeleteGuard } from '../stages/delete-guard.js';
import { startGuard } from './delete-counts.js';
import { DEFAULT_BATCH_ROWS, batchBytesFor, batchStage } from '../stages/batch.js';
import { rowMaxBytes } from '../core/row-bytes.js';
import { composeStages } from '../stages/compose.js';
import { type StageChain, type TypedReadable, type TypedWritable } from '../core/typed-streams.js';
import { BLOB_TARGET_READ_ROWS } from '../stages/diff.js';
import { readAheadStages } from '../stages/read-ahead.js';
import { keepingRows } from '../stages/keep-rows.js';
import { roundingStages } from '../stages/round-values.js';
import { CheckpointTracker } from '../state/checkpoints.js';
import { RejectFile } from '../state/rejects.js';
import { endAll } from '../state/run-state.js';
import type { Batch } from '../core/batch.js';
import type { Page } from '../core/page.js';
import { checkOptions } from './check-options.js';
import type { PageStage, SyncOptions, SyncReport } from './options.js';
import { planRun, type PlannedRun } from './plan-run.js';
import { countOnTheSide } from './estimate.js';
import { ProgressTicker } from './progress.js';
import { openStates } from './run-states.js';

const debug = createDebug('fbsync:sync');

/** One table's sync as streams, to run with `stream.pipeline(source, stages(), sink)`. */
export interface SyncStreams {
  /** The table as planned from both schemas. */
  table: TableSpec;
  /** Keyset pages of source rows, in one snapshot. */
  source: TypedReadable<Page>;
  /**
   * The stages from page to batch: the run's own (checkpoint, watermark, versions), your page
   * stages (`transforms`, checked to keep every row under its key), the diff and the batcher.
   */
  stages(...transforms: PageStage[]): StageChain<Page, Batch>;
  /** Writes the batches (nothing with `dryRun`). */
  sink: TypedWritable<Batch>;
  /**
   * Waits for the streams to close (destroying them if the pipeline never ran), ends the run's
   * state (checkpoint, watermark, notes of versions: kept only when every page was written),
   * closes the connections it opened, and reports. Call it once, after the pipeline settled,
   * whether it failed or not; it throws only when the run itself did not fail.
   */
  close(): Promise<SyncReport>;
}

/**
 * Connects (unless given connections), locks and plans the table (planRun), opens its run
 * state, and hands back the streams of one table's sync and the call that tears them down.
 * `syncTable` is this, run by `stream.pipeline`.
 */
export async function syncStreams(options: SyncOptions): Promise<SyncStreams> {
  const started = Date.now();
  checkOptions(options);
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  let db: FirebirdDatabase | undefined;
  let target: MysqlTarget | undefined;
  let lock: TableLock | undefined;
  const rejectFile = typeof options.rejectFile === 'string' ? new RejectFile(options.rejectFile) : options.rejectFile;
  // Ends the pauses of reads and writes waiting to retry, so that none outlives the pool.
  const retries = new AbortController();
  const release = async () => {
    retries.abort();
    // After the last write and state saved: the next run may start on the table now.
    await lock?.release();
    if (typeof options.rejectFile === 'string') await rejectFile?.close();
    if (typeof options.to === 'string') await target?.end();
    if (typeof options.from === 'string') await closeFirebird(db);
  };
  try {
    const uri = options.from;
    db = typeof uri === 'string' ? await openFirebird(uri) : uri;
    const again = typeof uri === 'string' ? () => openFirebird(uri) : options.reconnect;
    // `db` follows every new attachment, for the planning and for the closing.
    const reconnect = again && (async () => (db = await again()));
    const attachSide = typeof uri === 'string' ? () => openFirebird(uri) : options.attachSide;
    // One connection reads the target for the diff while `parallel` others write.
    target = typeof options.to === 'string' ? await openMysql(options.to, { connections: parallel + 1 }) : options.to;
    // Planning reads Firebird's catalog: a connection lost meanwhile is replaced, like a page read's.
    const reattach = async () => {
      abandonFirebird(db!);
      await reconnect!();
    };
    const describe = <T>(work: () => Promise<T>) => (reconnect ? againIfLost(work, reattach, options.table, options) : work());
    // Locked from here on (see planRun) until the run closes.
    const planned = await planRun(() => db!, target, options, { describe, startedAt: new Date(started) });
    const { table } = planned;
    lock = planned.lock;
    const guard = startGuard(db, target, table, options, attachSide);
    const streams = await tableStreams(db, target, planned, options, { rejectFile, signal: retries.signal, reconnect, attachSide, guard, started });
    return {
      ...streams,
      async close() {
        try {
          const run = await streams.end();
          const elapsedMs = Date.now() - started;
          const report: SyncReport = {
            table: table.source,
            target: table.target,
            ...run.counts,
            rejected: run.rejected,
            dryRun: Boolean(options.dryRun),
            resumedAfter: run.resumedAfter,
            interrupted: run.interrupted,
            ...(run.since ? { since: run.since } : {}),
            ...(run.versions ? { versions: run.versions } : {}),
            ...(run.keys ? { keys: run.keys } : {}),
            ...(planned.moved ? { sourceChanged: planned.moved } : {}),
            elapsedMs,
            rowsPerSecond: elapsedMs > 0 ? Math.round((run.counts.read * 1000) / elapsedMs) : run.counts.read,
          };
          debug('%o', report);
          return report;
        } finally {
          await release();
        }
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}

interface Faults {
  rejectFile: RejectFile | undefined;
  signal: AbortSignal;
  reconnect: (() => Promise<FirebirdDatabase>) | undefined;
  attachSide: (() => Promise<FirebirdDatabase>) | undefined;
  /** When the run started (Date.now()); what `softDelete` sets. */
  started: number;
  /** The guard on deletes, when the run deletes (and writes): see startGuard. */
  guard: Promise<DeleteGuard | undefined> | undefined;
}

/**
 * The streams of one planned table over open connections: source pages → the states' stages →
 * [transforms] → diff → batch → sink. `end` waits for them to close and ends the run's states
 * (lib/state/), which see the pages and follow the commits meanwhile.
 */
async function tableStreams(db: FirebirdDatabase, target: MysqlTarget, planned: PlannedRun, options: SyncOptions, faults: Faults) {
  const retry = { retry: options.retry, onRetry: options.onRetry };
  const { table } = planned;
  const { checkpoints, watermark, versions, all: states } = await openStates(db, target, table, options, { ...planned, changed: planned.moved !== undefined });
  const resumedAfter = checkpoints.resumedAfter;
  // Before the snapshot, which begins at the source's first read.
  if (watermark) await limitWatermark(db, watermark);
  const where = watermark?.from ? sinceFilter(watermark.column, watermark.from, watermark.overlapSeconds) : undefined;
  const source = firebirdSource({
    db,
    table,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    after: resumedAfter,
    where,
    signal: options.signal,
    reconnect: faults.reconnect,
    versions: versions?.source,
    attachSide: faults.attachSide,
    // Deletes tile the key space by ranges, and notes of versions are merged in key order: only
    // without both may Firebird order keys otherwise than fbsync compares them.
    keyOrder: options.delete || versions ? 'required' : 'tolerated',
    ...(options.keys ? { keys: options.keys } : {}),
    ...retry,
  });
  // With `keys`, the diff also looks up keys the source lacks; `listed` keeps their deletes for `delete`.
  const listed = options.keys ? new ListedKeys(options) : undefined;
  const counts: Counts = zeroCounts();
  let finished = false;
  const tally = (changes: ChangeSet) => {
    addCounts(counts, changes.counts);
    finished ||= changes.final;
    return changes;
  };
  // Progress reads the tally on a timer; the estimate is counted on the side (a resumed run,
  // which reads only past its checkpoint, has none).
  const ticker = options.onProgress && new ProgressTicker({ table: table.source, target: table.target, counts, onProgress: options.onProgress, started: faults.started });
  const estimate =
    ticker && faults.attachSide && !resumedAfter && !listed ? countOnTheSide(faults.attachSide, table.source, where, (e) => (ticker.estimate = e)) : undefined;
  const progress = new CheckpointTracker(resumedAfter);
  let wrote = false;
  const sink: TypedWritable<Batch> & { rejected: number } = options.dryRun
    ? Object.assign(discard(), { rejected: 0 })
    : (mysqlSink({
        target,
        table,
        parallel: options.parallel ?? DEFAULT_PARALLEL,
        ...retry,
        maxErrors: options.maxErrors,
        loadData: options.loadData,
        softDeleteAt: localDateTime(new Date(faults.started)),
        onReject: bothHandlers(faults.rejectFile?.write, options.onReject),
        rejectsWhere: faults.rejectFile?.path,
        onCommit: (batch) => {
          wrote ||= (batch.kind === 'upsert' ? batch.rows.length : batch.keys.length) > 0;
          if (!progress.committed(batch)) return;
          for (const state of states) state.committed({ pagesDone: progress.pagesDone, key: progress.key, wrote });
        },
      }) as MysqlSink & TypedWritable<Batch>);
  const stages = (...transforms: PageStage[]): StageChain<Page, Batch> =>
    composeStages([
      // The stamps and versions as Firebird has them, before any transform.
      ...states.flatMap((state) => state.stages),
      ...keepingRows(table, transforms),
      ...roundingStages(table),
      ...(listed ? [listed.pages] : []),
      // The diff, with the target reads of the next pages started while it works on this one.
      ...readAheadStages({
        table,
        readTarget: mysqlTargetReader(target, table, { ...retry, signal: faults.signal, absent: planned.absent }),
        delete: options.delete || Boolean(listed),
        sparse: Boolean(watermark?.from),
        ...(hasBlobs(table) ? { targetReadRows: BLOB_TARGET_READ_ROWS } : {}),
      }),
      ...(listed ? [listed.changes] : []),
      tally,
      ...(faults.guard ? [deleteGuardWhenCounted(faults.guard)] : []),
      batchStage({
        maxRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
        maxBytes: options.batchBytes ?? batchBytesFor(target.server.maxAllowedPacket),
        // A caller's transforms may make a value longer than its column declares: then every row is sized.
        ...(transforms.length === 0 ? { maxRowBytes: rowMaxBytes(table.columns) } : {}),
      }),
    ]) as StageChain<Page, Batch>;
  const end = async () => {
    try {
      return await endStreams();
    } finally {
      estimate?.end();
      ticker?.done();
    }
  };
  const endStreams = async () => {
    // A pipeline that never ran (or stopped short of the sink) is torn down here.
    const failed = Boolean(source.errored || sink.errored) || !sink.writableFinished;
    if (!sink.writableFinished) {
      source.destroy();
      sink.destroy();
    }
    await closed(source, sink);
    const run = { finished: finished && !failed, rejected: sink.rejected, counts, pagesDone: progress.pagesDone, key: progress.key, wrote };
    // What the states keep of a failed run is saved on a best-effort basis: the run's own error is the one to report.
    if (failed) await endAll(states, run).catch(() => undefined);
    else await endAll(states, run);
    return {
      counts,
      rejected: sink.rejected,
      resumedAfter,
      interrupted: !finished,
      since: watermark?.report(),
      keys: listed?.report(),
      // Read when the run ends: notes that looked usable may have turned out not to be.
      versions: options.rowVersions ? (versions?.report ?? { mode: 'off' as const, reason: 'a resumed run reads part of the table' }) : undefined,
    };
  };
  return { table, source: source as Readable as TypedReadable<Page>, stages, sink, end };
}
