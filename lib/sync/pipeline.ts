import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FirebirdDatabase } from '../firebird/connect.js';
import { databaseIdentity } from '../firebird/identity.js';
import { DEFAULT_PAGE_SIZE, firebirdSource } from '../firebird/source.js';
import { hasBlobs } from '../firebird/select-list.js';
import { sinceFilter } from '../firebird/since-filter.js';
import type { MysqlTarget } from '../mysql/connect.js';
import { CheckpointStore } from '../mysql/checkpoint-store.js';
import { mysqlTargetReader } from '../mysql/reader.js';
import { DEFAULT_PARALLEL, mysqlSink } from '../mysql/sink.js';
import { VersionStore } from '../mysql/version-store.js';
import { BLOB_TARGET_READ_ROWS, diffStage } from '../stages/diff.js';
import { addCounts, type ChangeSet, type Counts } from '../core/change-set.js';
import { DEFAULT_BATCH_ROWS, batchBytesFor, batchStage } from '../stages/batch.js';
import { composeStages } from '../stages/compose.js';
import { keepingRows } from '../stages/keep-rows.js';
import type { RejectFile } from '../state/rejects.js';
import type { RejectHandler, RejectedRow } from '../core/rejected-row.js';
import type { Key, TableSpec } from '../core/table.js';
import { CheckpointTracker, Checkpoints } from '../state/checkpoints.js';
import { endAll, type RunState } from '../state/run-state.js';
import { DEFAULT_SINCE_OVERLAP_SECONDS, WATERMARK_TABLE, Watermark, sinceColumn } from '../state/watermark.js';
import type { SyncOptions, SyncReport } from './options.js';
import { RowVersions } from '../state/row-versions.js';

/** What one table's run keeps in the target between runs, opened for this run. */
interface RunStates {
  checkpoints: Checkpoints;
  watermark: Watermark | undefined;
  versions: RowVersions | undefined;
}

/** Opens the run's states on their stores in the target (none written by a dry run). */
async function openStates(db: FirebirdDatabase, target: MysqlTarget, table: TableSpec, options: SyncOptions): Promise<RunStates> {
  const retry = { retry: options.retry, onRetry: options.onRetry };
  const resume = Boolean(options.resume);
  const dryRun = Boolean(options.dryRun);
  const store = options.checkpoints === false || dryRun ? undefined : await CheckpointStore.open(target, { required: resume, retry });
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
        });
  // A resumed run starts past rows it never reads, so it can neither use nor leave whole notes.
  const versions =
    options.rowVersions && !checkpoints.resumedAfter
      ? await RowVersions.open(await VersionStore.open(target, table.target, { readOnly: dryRun, retry }), databaseIdentity(db), table, { dryRun, delete: Boolean(options.delete) })
      : undefined;
  return { checkpoints, watermark, versions };
}

/**
 * One table's rows, once it is planned: source pages → [transforms] → diff → batch → sink,
 * composed with stream-chain and run by stream.pipeline, which tears every stage down
 * (snapshot rolled back, in-flight batches settled) when any of them fails. The run's states
 * (checkpoint, watermark, record versions: lib/state/) see the pages, follow the commits and
 * are ended when the streams have closed.
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
  const retry = { retry: options.retry, onRetry: options.onRetry };
  const { checkpoints, watermark, versions } = await openStates(db, target, table, options);
  const states: RunState[] = [checkpoints, ...(watermark ? [watermark] : []), ...(versions ? [versions] : [])];
  const resumedAfter = checkpoints.resumedAfter;
  const source: Readable = firebirdSource({
    db,
    table,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    after: resumedAfter,
    where: watermark?.from ? sinceFilter(watermark.column, watermark.from, watermark.overlapSeconds) : undefined,
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
    ...states.flatMap((state) => state.stages),
    ...keepingRows(table, options.transforms ?? []),
    diffStage({
      table,
      readTarget: mysqlTargetReader(target, table, { ...retry, signal: faults.signal }),
      delete: options.delete,
      sparse: Boolean(watermark?.from),
      ...(hasBlobs(table) ? { targetReadRows: BLOB_TARGET_READ_ROWS } : {}),
    }),
    tally,
  ];
  // Read when the run ends: notes that looked usable may have turned out not to be.
  const report = () => ({
    resumedAfter,
    interrupted: !finished,
    since: watermark?.report(),
    versions: options.rowVersions ? (versions?.report ?? { mode: 'off' as const, reason: 'a resumed run reads part of the table' }) : undefined,
  });
  if (options.dryRun) {
    await pipeline(source, composeStages(stages), discard()).finally(() => closed(source));
    await endAll(states, { finished, rejected: 0, counts, pagesDone: 0, key: resumedAfter, wrote: false });
    return { ...report(), rejected: 0 };
  }
  const batches = batchStage({
    maxRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
    maxBytes: options.batchBytes ?? batchBytesFor(target.server.maxAllowedPacket),
  });
  const progress = new CheckpointTracker(resumedAfter);
  let wrote = false;
  const sink = mysqlSink({
    target,
    table,
    parallel: options.parallel ?? DEFAULT_PARALLEL,
    ...retry,
    maxErrors: options.maxErrors,
    loadData: options.loadData,
    onReject: bothHandlers(faults.rejectFile?.write, options.onReject),
    rejectsWhere: faults.rejectFile?.path,
    onCommit: (batch) => {
      wrote ||= (batch.kind === 'upsert' ? batch.rows.length : batch.keys.length) > 0;
      if (!progress.committed(batch)) return;
      for (const state of states) state.committed({ pagesDone: progress.pagesDone, key: progress.key, wrote });
    },
  });
  const ended = () => ({ finished, rejected: sink.rejected, counts, pagesDone: progress.pagesDone, key: progress.key, wrote });
  try {
    await pipeline(source, composeStages([...stages, batches]), sink);
  } catch (err) {
    await closed(source, sink);
    // What the states keep of a failed run is saved on a best-effort basis: the run's own error is the one to report.
    await endAll(states, { ...ended(), finished: false }).catch(() => undefined);
    throw err;
  }
  await closed(source, sink);
  await endAll(states, ended());
  return { ...report(), rejected: sink.rejected };
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
