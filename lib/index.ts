/**
 * fbsync's public face: `syncTable` for the whole job, and every stage on its own for custom
 * pipelines (source → your stages → diff → batch → sink).
 */
export { syncTable, planSync } from './sync/sync-table.js';
export { type SyncOptions, type SyncReport, type PageStage, type RetryEvent } from './sync/options.js';
export { openFirebird, closeFirebird, abandonFirebird, firebirdOptions, type FirebirdDatabase, type FirebirdConnectOptions } from './firebird/connect.js';
export { isLostFirebirdConnection, firebirdErrorInfo, type FirebirdErrorInfo } from './firebird/errors.js';
export { againIfLost, type AgainIfLostOptions, type FirebirdRetryEvent } from './firebird/retry.js';
export { describeFirebirdTable, resolveFirebirdTable, resolveCharset, quoteFirebird, type FirebirdColumn, type FirebirdTable, type DescribeOptions } from './firebird/metadata.js';
export { listFirebirdTables, chooseTables, type TableCatalog, type SkippedTable } from './firebird/catalog.js';
export { FirebirdSource, firebirdSource, DEFAULT_PAGE_SIZE, type FirebirdSourceOptions } from './firebird/source.js';
export type { Page, VersionPick } from './core/page.js';
export { openMysql, MysqlTarget, type MysqlOptions, type ServerInfo, type Flavor } from './mysql/connect.js';
export { describeMysqlTable, resolveMysqlTable, findMysqlTable, quoteMysql, type MysqlTable, type MysqlColumn } from './mysql/metadata.js';
export { createTableSql, mysqlColumnTypes, mysqlType, type TableDesign, type DdlColumn } from './mysql/ddl.js';
export { misfit, type Misfit } from './mysql/fits.js';
export { statementsFor, usesRowAlias, type Statements } from './mysql/dialect.js';
export { mysqlTargetReader, type MysqlReaderOptions } from './mysql/reader.js';
export { MysqlSink, mysqlSink, DEFAULT_PARALLEL, DEFAULT_MAX_ERRORS, type MysqlSinkOptions } from './mysql/sink.js';
export { classifyMysqlError, isTransientMysqlError, isRowMysqlError, isConnectionBroken, mysqlErrorInfo, type MysqlErrorClass, type MysqlErrorInfo } from './mysql/errors.js';
export { retryMysql, type MysqlRetryEvent, type MysqlRetryOptions } from './mysql/retry.js';
export { withRetry, retryDelay, retryOptions, DEFAULT_RETRY, type RetryOptions, type WithRetryOptions } from './util/retry.js';
export { RejectFile, rejectLine, type RejectedRow, type RejectHandler } from './state/rejects.js';
export { diffStage, diffPage, targetRange, type DiffOptions } from './stages/diff.js';
export { zeroCounts, addCounts, type ChangeSet, type Counts, type TargetRange, type TargetReader } from './core/change-set.js';
export { batchStage, Batcher, batchBytesFor, DEFAULT_BATCH_ROWS, type BatchOptions } from './stages/batch.js';
export { type Batch } from './core/batch.js';
export { rowBytes } from './core/row-bytes.js';
export { mapRows } from './stages/map-rows.js';
export { keepingRows } from './stages/keep-rows.js';
export { composeStages } from './stages/compose.js';
export { planTable, planSource, tableDesign, type PlanOptions, type SourcePlan, type PlannedColumn } from './sync/plan.js';
export { lowerCaseNames, type NameMapping } from './sync/names.js';
export type { ValueShape } from './core/shape.js';
export { mysqlSchema, formatSchema, type SchemaOptions, type MysqlSchema } from './sync/schema.js';
export { FbsyncError } from './core/errors.js';
export { maskUri, redact } from './util/redact.js';
export { sameValue, canonicalString, compareValues, type ValueKind, type Value } from './core/values.js';
export type { TableSpec, ColumnSpec, Row, Key } from './core/table.js';
export { sinceColumn, sinceFilter, WatermarkTracker, WATERMARK_TABLE, DEFAULT_SINCE_OVERLAP_SECONDS, type SinceColumn } from './state/watermark.js';
export { compareVersions, type VersionList, type VersionVerdict } from './core/version-list.js';
export { VersionStore, ROW_VERSIONS_TABLE, VERSION_SETS_TABLE, type VersionSet } from './mysql/version-store.js';
export { RowVersions, versionFingerprint, type VersionsReport } from './state/row-versions.js';
export { syncTables, formatTablesSummary, type SyncTablesOptions, type TablesSummary } from './sync/sync-tables.js';
export { summarize, formatSummary, formatRetry, type SyncSummary, type NameOption } from './sync/report.js';
export { passwordOf } from './util/redact.js';
