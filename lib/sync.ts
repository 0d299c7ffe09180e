import { Writable, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import createDebug from 'debug';
import { closeFirebird, openFirebird, type FirebirdDatabase } from './firebird/connect.js';
import { describeFirebirdTable } from './firebird/metadata.js';
import { DEFAULT_PAGE_SIZE, firebirdSource, type Page } from './firebird/source.js';
import { openMysql, type MysqlTarget } from './mysql/connect.js';
import { describeMysqlTable } from './mysql/metadata.js';
import { mysqlTargetReader } from './mysql/reader.js';
import { DEFAULT_PARALLEL, mysqlSink } from './mysql/sink.js';
import { targetTableName, type NameMapping } from './names.js';
import { planTable, type PlanOptions } from './plan.js';
import { addCounts, diffStage, zeroCounts, type ChangeSet, type Counts } from './stages/diff.js';
import { DEFAULT_BATCH_ROWS, batchBytesFor, batchStage } from './stages/batch.js';
import { composeStages } from './stages/compose.js';
import type { TableSpec } from './table.js';

const debug = createDebug('fbsync:sync');

/** A stage that sees every source page before the diff: a function (sync or async) or a Duplex. */
export type PageStage = ((page: Page) => Page | Promise<Page>) | Duplex;

export interface SyncOptions {
  /** Firebird URI (`firebird://user:pass@host:port//path.fdb`) or an attached database (not closed here). */
  from: string | FirebirdDatabase;
  /** MySQL URI (`mysql://user:pass@host:port/db`) or an open target (not closed here). */
  to: string | MysqlTarget;
  /** Firebird table name. */
  table: string;
  /** MySQL table name; defaults to the source name (matched case-insensitively). */
  targetTable?: string;
  /** Delete target rows that the source does not have. Default false. */
  delete?: boolean;
  /** Compute and report the diff but write nothing. Default false. */
  dryRun?: boolean;
  /** Batches written at once. Default 4. */
  parallel?: number;
  /** Source rows per keyset page. Default 10,000. */
  pageSize?: number;
  /** Rows per INSERT/DELETE statement. Default 1,000. */
  batchRows?: number;
  /** Bytes per statement; default derived from the server's max_allowed_packet. */
  batchBytes?: number;
  /** Source column names to leave out. */
  excludeColumns?: readonly string[];
  /** MySQL names for Firebird tables and columns (e.g. `lowerCaseNames`); default: the same names. */
  names?: NameMapping;
  /**
   * How to read text in character set NONE: undefined (or `OCTETS`) copies its bytes unchanged
   * into binary columns; a character set name (`WIN1252`, `UTF8`, …) reads it as text in that set.
   */
  noneCharset?: string;
  /** Stages applied to each page before the diff (e.g. masking a column). */
  transforms?: readonly PageStage[];
}

export interface SyncReport extends Counts {
  table: string;
  target: string;
  dryRun: boolean;
  elapsedMs: number;
  /** Source rows read per second. */
  rowsPerSecond: number;
}

/**
 * Syncs one Firebird table into its MySQL counterpart:
 * source pages → [transforms] → diff → batch → sink, composed with stream-chain and run by
 * stream.pipeline, which tears every stage down (snapshot rolled back, in-flight batches
 * settled) when any of them fails.
 */
export async function syncTable(options: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  let db: FirebirdDatabase | undefined;
  let target: MysqlTarget | undefined;
  try {
    db = typeof options.from === 'string' ? await openFirebird(options.from) : options.from;
    // One connection reads the target for the diff while `parallel` others write.
    target = typeof options.to === 'string' ? await openMysql(options.to, { connections: parallel + 1 }) : options.to;
    const table = await planSync(db, target, options);
    const counts = zeroCounts();
    await runPipeline(db, target, table, options, counts);
    const elapsedMs = Date.now() - started;
    const report: SyncReport = {
      table: table.source,
      target: table.target,
      ...counts,
      dryRun: Boolean(options.dryRun),
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? Math.round((counts.read * 1000) / elapsedMs) : counts.read,
    };
    debug('%o', report);
    return report;
  } finally {
    if (typeof options.to === 'string') await target?.end();
    if (typeof options.from === 'string') await closeFirebird(db);
  }
}

/** Reads both schemas and decides how every column is copied; throws before any row moves. */
export async function planSync(
  db: FirebirdDatabase,
  target: MysqlTarget,
  options: Pick<SyncOptions, 'table' | 'targetTable' | 'excludeColumns' | 'names' | 'noneCharset'> & Pick<PlanOptions, 'strict'>,
): Promise<TableSpec> {
  const source = await describeFirebirdTable(db, options.table, { noneCharset: options.noneCharset });
  const dest = await describeMysqlTable(target, options.targetTable ?? targetTableName(options.names, source.name));
  return planTable(source, dest, { excludeColumns: options.excludeColumns, names: options.names, targetTable: options.targetTable, strict: options.strict });
}

async function runPipeline(db: FirebirdDatabase, target: MysqlTarget, table: TableSpec, options: SyncOptions, counts: Counts): Promise<void> {
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  const source: Readable = firebirdSource({ db, table, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE });
  const tally = (changes: ChangeSet) => {
    addCounts(counts, changes.counts);
    return changes;
  };
  const stages = [
    ...(options.transforms ?? []),
    diffStage({ table, readTarget: mysqlTargetReader(target, table), delete: options.delete }),
    tally,
  ];
  if (options.dryRun) {
    await pipeline(source, composeStages(stages), discard());
    return;
  }
  const batches = batchStage({
    maxRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
    maxBytes: options.batchBytes ?? batchBytesFor(target.server.maxAllowedPacket),
  });
  const sink = mysqlSink({ target, table, parallel });
  await pipeline(source, composeStages([...stages, batches]), sink);
}

function discard(): Writable {
  return new Writable({ objectMode: true, write: (_chunk, _enc, cb) => cb() });
}
