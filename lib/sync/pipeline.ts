import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import createDebug from 'debug';
import type { FirebirdDatabase } from '../firebird/connect.js';
import { DEFAULT_PAGE_SIZE, firebirdSource } from '../firebird/source.js';
import { hasBlobs } from '../firebird/select-list.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { mysqlTargetReader } from '../mysql/reader.js';
import { DEFAULT_PARALLEL, mysqlSink } from '../mysql/sink.js';
import { BLOB_TARGET_READ_ROWS, diffStage } from '../stages/diff.js';
import { addCounts, type ChangeSet, type Counts } from '../core/change-set.js';
import { DEFAULT_BATCH_ROWS, batchBytesFor, batchStage } from '../stages/batch.js';
import { composeStages } from '../stages/compose.js';
import { keepingRows } from '../stages/keep-rows.js';
import type { RejectFile, RejectHandler, RejectedRow } from '../state/rejects.js';
import type { Key, TableSpec } from '../core/table.js';
import { CheckpointStore } from '../mysql/checkpoint-store.js';
import { CheckpointTracker } from '../state/checkpoints.js';
import { DEFAULT_SINCE_OVERLAP_SECONDS, WATERMARK_TABLE, WatermarkTracker, sinceColumn, sinceFilter } from '../state/watermark.js';
import type { SyncOptions, SyncReport } from './options.js';
import { RowVersions } from '../state/row-versions.js';

const debug = createDebug('fbsync:sync');

/** How often a checkpoint may be written while a table syncs. */
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * One table's rows, once it is planned: source pages → [transforms] → diff → batch → sink,
 * composed with stream-chain and run by stream.pipeline, which tears every stage down
 * (snapshot rolled back, in-flight batches settled) when any of them fails. Keeps the
 * checkpoint (and, with sinceColumn, the watermark) in the target as it goes.
 */
export async function runPipeline(
  db: FirebirdDatabase,
  target: MysqlTarget,
  table: TableSpec,
  options: SyncOptions,
  counts: Counts,
  faults: {
    rejectFile: RejectFile | undefined;
    signal: AbortSignal;
    reconnect: (() => Promise<FirebirdDatabase>) | undefined;
    attachSide: (() => Promise<FirebirdDatabase>) | undefined;
  },
): Promise<{ resumedAfter: Key | null; interrupted: boolean; rejected: number; since?: SyncReport['since']; versions?: SyncReport['versions'] }> {
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  const retry = { retry: options.retry, onRetry: options.onRetry };
  const store = options.checkpoints === false || options.dryRun ? undefined : await CheckpointStore.open(target, { required: Boolean(options.resume), retry });
  // A dry run has no store but may still start where a checkpoint says; load() never creates the table.
  const resumedAfter = options.resume ? await (store ?? new CheckpointStore(target, undefined, retry)).load(table.target) : null;
  // A run from the beginning must not leave an older run's checkpoint standing ahead of it.
  if (store && !options.resume) await store.clear(table.target);
  if (resumedAfter) debug('%s: resuming after %j', table.source, resumedAfter);
  const since = options.sinceColumn === undefined ? undefined : sinceColumn(table, options.sinceColumn);
  const marks = since && (options.dryRun ? new CheckpointStore(target, WATERMARK_TABLE, retry) : await CheckpointStore.open(target, { required: true, table: WATERMARK_TABLE, retry }));
  const watermark = since && marks ? (((await marks.load(table.target)) ?? [])[0] as string | undefined) ?? null : null;
  const tracker = since && new WatermarkTracker(since, watermark);
  if (watermark) debug('%s: rows with %s from %s, less %d s', table.source, since!.name, watermark, options.sinceOverlapSeconds ?? DEFAULT_SINCE_OVERLAP_SECONDS);
  // A resumed run starts past rows it never reads, so it can neither use nor leave whole notes.
  const versions = options.rowVersions && !resumedAfter ? await RowVersions.open(db, target, table, { dryRun: Boolean(options.dryRun), delete: Boolean(options.delete), retry }) : undefined;
  // Read when the run ends: notes that looked usable may have turned out not to be.
  const versionsReport = () => (options.rowVersions ? (versions?.report ?? { mode: 'off' as const, reason: 'a resumed run reads part of the table' }) : undefined);
  const source: Readable = firebirdSource({
    db,
    table,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    after: resumedAfter,
    where: since && watermark ? sinceFilter(since, watermark, options.sinceOverlapSeconds ?? DEFAULT_SINCE_OVERLAP_SECONDS) : undefined,
    signal: options.signal,
    reconnect: faults.reconnect,
    versions: versions?.source,
    attachSide: faults.attachSide,
    // Deletes tile the key space by ranges, and notes of versions are merged in key order: only
    // without both may Firebird order keys otherwise than fbsync compares them.
    keyOrder: options.delete || versions ? 'required' : 'tolerated',
    ...retry,
  });
  let finished = false;
  const tally = (changes: ChangeSet) => {
    addCounts(counts, changes.counts);
    finished ||= changes.final;
    return changes;
  };
  const stages = [
    // The stamps and versions as Firebird has them, before any transform.
    ...(tracker ? [tracker.see] : []),
    ...(versions ? [versions.see] : []),
    ...keepingRows(table, options.transforms ?? []),
    diffStage({
      table,
      readTarget: mysqlTargetReader(target, table, { ...retry, signal: faults.signal }),
      delete: options.delete,
      sparse: Boolean(watermark),
      ...(hasBlobs(table) ? { targetReadRows: BLOB_TARGET_READ_ROWS } : {}),
    }),
    tally,
  ];
  const sinceReport = () => since && { column: since.name, from: watermark, next: finished ? tracker!.latest : watermark };
  if (options.dryRun) {
    await pipeline(source, composeStages(stages), discard()).finally(() => closed(source));
    return { resumedAfter, interrupted: !finished, rejected: 0, since: sinceReport(), versions: versionsReport() };
  }
  const batches = batchStage({
    maxRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
    maxBytes: options.batchBytes ?? batchBytesFor(target.server.maxAllowedPacket),
  });
  const checkpoints = new CheckpointTracker(resumedAfter);
  let saveError: unknown;
  // Saved at most once a second, and only once something was written: a re-sync that finds
  // nothing to do writes nothing at all, checkpoints included.
  let wrote = false;
  let savedAt = 0;
  let savedKey: Key | null = resumedAfter;
  const saveCheckpoint = () => {
    if (!store || !wrote || checkpoints.key === savedKey) return;
    savedKey = checkpoints.key;
    savedAt = Date.now();
    store.save(table.target, savedKey!).catch((err) => (saveError ??= err));
  };
  const sink = mysqlSink({
    target,
    table,
    parallel,
    ...retry,
    maxErrors: options.maxErrors,
    loadData: options.loadData,
    onReject: bothHandlers(faults.rejectFile?.write, options.onReject),
    rejectsWhere: faults.rejectFile?.path,
    onCommit: (batch) => {
      wrote ||= (batch.kind === 'upsert' ? batch.rows.length : batch.keys.length) > 0;
      if (!checkpoints.committed(batch)) return;
      versions?.committed(checkpoints.pagesDone);
      if (Date.now() - savedAt >= CHECKPOINT_INTERVAL_MS) saveCheckpoint();
    },
  });
  try {
    await pipeline(source, composeStages([...stages, batches]), sink);
  } finally {
    await closed(source, sink);
    // The last checkpoint reached is saved, and writes already asked for land, before the run
    // reports, whether it failed or not.
    if (!finished) saveCheckpoint();
    await store?.flush().catch((err) => (saveError ??= err));
    if (!finished) await versions?.settle();
  }
  if (saveError) throw saveError;
  // A completed run leaves no checkpoint: the next --resume starts from the beginning.
  if (finished) await store?.clear(table.target);
  // Only a completed run moves the watermark: an interrupted one has not seen every change.
  if (finished && marks && tracker?.latest && tracker.latest !== watermark) await marks.save(table.target, [tracker.latest]);
  if (finished) await versions?.finish(checkpoints.pagesDone, sink.rejected, counts);
  return { resumedAfter, interrupted: !finished, rejected: sink.rejected, since: sinceReport(), versions: versionsReport() };
}

/**
 * Waits for streams to be torn down. pipeline() settles at the first error, while the others are
 * still closing: the source rolling back its snapshot, the sink finishing the batches in
 * flight. Closing their connections before that would fail the detach ("open transactions")
 * and cut the source's last read short, which it then reported as a lost connection.
 */
function closed(...streams: Array<Readable | Writable>): Promise<unknown> {
  const all = Promise.all(streams.map((s) => (s.closed ? undefined : new Promise((resolve) => s.once('close', resolve)))));
  // Not forever: a read stuck on a connection that went silent never ends, and the connections
  // are let go after this anyway.
  let timer: NodeJS.Timeout | undefined;
  const enough = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
  return Promise.race([all, enough]).finally(() => clearTimeout(timer));
}

/** How long a failed run waits for its streams to close (the source's rollback has 10 s of its own). */
const CLOSE_WAIT_MS = 15_000;

/** The reject file and the caller's own handler, each told about every reject. */
function bothHandlers(a: RejectHandler | undefined, b: RejectHandler | undefined): RejectHandler | undefined {
  if (!a || !b) return a ?? b;
  return async (reject: RejectedRow) => {
    await a(reject);
    await b(reject);
  };
}

function discard(): Writable {
  return new Writable({ objectMode: true, write: (_chunk, _enc, cb) => cb() });
}
