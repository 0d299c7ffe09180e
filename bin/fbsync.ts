#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100
/**
 * The fbsync command: parses arguments and hands them to the library. Every failure ends as
 * one line on stderr with the passwords of --from/--to masked, and a non-zero exit code.
 *
 * The first line bounds V8's garbage (docs/performance.md#memory): 4 MB semi-spaces (rows
 * outlive a young one anyway), and the heap grows by 100 % at most between full collections (V8
 * goes up to 300 %). A 1M-row full load peaked at 142-160 MB, not 196-246 (136-144, not 188-201,
 * over a 20 ms Firebird link), for 3-13 % more CPU. `node dist/bin/fbsync.js` skips that line.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FbsyncError, RejectFile, redact, syncTables, formatRetry, formatTablesSummary, errorText, checkTables, namesFor, type SyncReport, type SyncTablesOptions, type TableCheck, type TablesSummary } from '../lib/index.js';
import { commandMessage, flagOf, givenOptions } from './messages.js';
import { errorExitStatus, exitStatus } from './exit-codes.js';
import { writeMetricsFile } from './metrics-file.js';
import { PROGRESS_MODES, progressOutput } from './progress.js';
import { fbsyncVersion } from './version.js';
import { list, maxDelete, positiveInt, wholeNumber } from './arguments.js';
import { jobOf, runOptions, servers } from './job.js';
import { stopOnSignals } from './signals.js';
import { schemaScript } from './schema.js';
import { verifyCommand, verifyOptions } from './verify.js';
import { ALL_TABLES, EXCLUDE_COLUMNS, FROM, JOB, NAMES, NONE_CHARSET, ROUND_TO_TARGET, TO } from './shared-options.js';

const secrets: (string | undefined)[] = [];

/** One line per table of `fbsync check`. */
function checkLine(check: TableCheck): string {
  const names = check.target ? `${check.table} -> ${check.target}` : check.table;
  if (!check.problem) return `${names}: ok${check.create ? ' (would be created)' : check.alter ? ` (would run ${check.alter.join('; ')})` : ''}`;
  const { code, message, options } = check.problem;
  return `${names}: ${commandMessage(new FbsyncError(code, message, { options }))}`;
}

async function main(): Promise<void> {
  const cli = yargs(hideBin(process.argv));
  /** The flags yargs filled in from their defaults, rather than the user. */
  const defaulted = () => {
    const parsed = (cli as unknown as { parsed?: { defaulted?: Record<string, boolean> } | false }).parsed;
    return new Set(Object.keys((parsed && parsed.defaulted) || {}));
  };
  await cli
    .scriptName('fbsync')
    .usage('$0 <command> [options]')
    .command(
      'sync',
      'copy Firebird tables into MySQL tables: insert, update and (with --delete) delete what differs',
      (y) =>
        y
          .option('job', JOB)
          .option('from', FROM)
          .option('to', TO)
          .option('tables', { type: 'string', array: true, describe: 'tables to sync: A,B,…' })
          .option('all-tables', ALL_TABLES)
          .option('create-tables', { type: 'boolean', default: false, describe: 'create missing MySQL tables (see fbsync schema), add or widen columns Firebird added or widened since; refuse existing ones too small' })
          .option('parallel-tables', { default: 1, coerce: positiveInt('parallel-tables'), describe: 'tables synced at once' })
          .option('none-charset', NONE_CHARSET)
          .option('names', NAMES)
          .option('delete', { type: 'boolean', default: false, describe: 'also delete target rows the source does not have' })
          .option('max-delete', { type: 'string', coerce: maxDelete, describe: 'with --delete: most rows a table may lose, N or P% of its rows (default 50%); more refuses the table' })
          .option('soft-delete', { type: 'string', describe: 'with --delete: set this DATETIME column of the target instead of deleting (cleared when the row comes back)' })
          .option('parallel', { default: 4, coerce: positiveInt('parallel'), describe: 'batches written at once' })
          .option('page-size', { default: 10_000, coerce: positiveInt('page-size'), describe: 'source rows per keyset page' })
          .option('batch-rows', { default: 4000, coerce: positiveInt('batch-rows'), describe: 'rows per INSERT/LOAD DATA/DELETE statement' })
          .option('load-data', { type: 'boolean', default: true, describe: 'write new rows with LOAD DATA LOCAL INFILE where the server allows it (--no-load-data: INSERT only)' })
          .option('exclude-columns', EXCLUDE_COLUMNS)
          .option('since-column', { type: 'string', describe: 'read only rows whose TIMESTAMP/DATE column COL changed since the last completed run (cannot see deletes)' })
          .option('since-overlap', { default: 60, coerce: wholeNumber('since-overlap'), describe: 'seconds before the last watermark to read again (--since-column)' })
          .option('row-versions', { type: 'boolean', default: false, describe: 'read in full only rows whose Firebird record version changed since the last run (versions noted in the target)' })
          .option('dry-run', { type: 'boolean', default: false, describe: 'compute and report the diff, write nothing' })
          .option('resume', { type: 'boolean', default: false, describe: 'continue after the checkpoint an unfinished run left in the target' })
          .option('max-errors', { default: 0, coerce: wholeNumber('max-errors'), describe: 'rows MySQL may refuse for good, per table, before the run stops' })
          .option('reject-file', { type: 'string', describe: 'where refused rows are appended as JSON lines (default fbsync-rejects-<time>.jsonl)' })
          .option('retries', { default: 7, coerce: wholeNumber('retries'), describe: 'retries of a statement that failed for a transient reason' })
          .option('wait', { coerce: wholeNumber('wait'), describe: 'seconds to wait for another run syncing the same MySQL table (default: skip that table at once, exit status 5)' })
          .option('round-to-target', ROUND_TO_TARGET)
          .option('stop-on-error', { type: 'boolean', default: false, describe: 'start no further table once one fails (default: every table runs; the exit status is the worst)' })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON document instead of the table' })
          .option('progress', { choices: PROGRESS_MODES, default: 'auto' as const, describe: 'on stderr: auto (live bars on a terminal, else nothing), json (JSON lines), none' })
          .option('metrics-file', { type: 'string', describe: 'write the run\'s metrics to this file (Prometheus text format, for node_exporter\'s textfile collector)' }),
      async (argv) => {
        const job = jobOf(argv.job);
        const { from, to } = servers(argv, job, { to: true }, secrets);
        const stop = stopOnSignals();
        // One file for every table; it is only created when the first row is refused.
        const rejectFile = new RejectFile(argv.rejectFile ?? (job?.options.rejectFile as string | undefined) ?? `fbsync-rejects-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
        const progress = progressOutput(argv.progress);
        const started = Date.now();
        const metrics = (run: { reports: SyncReport[]; failed?: boolean }) =>
          argv.metricsFile ? writeMetricsFile(argv.metricsFile, { ...run, endedAt: new Date(), elapsedMs: Date.now() - started }) : Promise.resolve();
        const flags: Partial<SyncTablesOptions> = givenOptions(defaulted(), {
          tables: argv.tables && list(argv.tables),
          allTables: argv.allTables,
          createTables: argv.createTables,
          parallelTables: argv.parallelTables,
          noneCharset: argv.noneCharset,
          names: namesFor(argv.names),
          delete: argv.delete,
          maxDelete: argv.maxDelete,
          softDelete: argv.softDelete,
          sinceColumn: argv.sinceColumn,
          sinceOverlapSeconds: argv.sinceOverlap,
          rowVersions: argv.rowVersions,
          dryRun: argv.dryRun,
          parallel: argv.parallel,
          pageSize: argv.pageSize,
          batchRows: argv.batchRows,
          loadData: argv.loadData,
          excludeColumns: argv.excludeColumns && list(argv.excludeColumns),
          resume: argv.resume,
          maxErrors: argv.maxErrors,
          stopOnError: argv.stopOnError,
          roundToTarget: argv.roundToTarget,
          wait: argv.wait,
          retry: { attempts: argv.retries + 1 },
        });
        const summary = await syncTables({
          ...runOptions(job, flags, from, to),
          signal: stop.signal,
          rejectFile,
          // On stderr, so that a nightly run's log shows what the server did even when the run succeeds.
          onRetry: (event) => progress.log(`fbsync: ${redact(formatRetry(event), secrets)}\n`),
          onProgress: progress.onProgress,
        })
          .catch(async (err: unknown) => {
            // The run's error is the one to report; the metrics say it failed, if they can.
            await metrics({ reports: [], failed: true }).catch((e: Error) => progress.log(`fbsync: warning: cannot write the metrics file: ${e.message}\n`));
            throw err;
          })
          .finally(() => {
            progress.stop();
            return rejectFile.close();
          });
        await metrics({ reports: summary.tables }).catch((e: Error) => {
          throw new Error(`cannot write the metrics file ${argv.metricsFile}: ${e.message}`);
        });
        inCommandWords(summary);
        for (const warning of summary.warnings) process.stderr.write(`fbsync: warning: ${warning}
`);
        process.stdout.write(argv.json ? `${JSON.stringify(summary, null, 2)}
` : `${formatTablesSummary(summary, flagOf)}
`);
        // Each table that did not sync, on stderr too, as a failure before any table ran would be.
        for (const table of summary.tables) if (table.error) process.stderr.write(`fbsync: ${table.error.message}\n`);
        process.exitCode = exitStatus(summary.outcome, stop.received);
      },
    )
    .command(
      'check',
      'check a run without writing: the job file, then every table against both schemas (one line each)',
      (y) =>
        y
          .option('job', JOB)
          .option('from', FROM)
          .option('to', TO)
          .option('tables', { type: 'string', array: true, describe: 'tables to check: A,B,…' })
          .option('all-tables', ALL_TABLES)
          .option('create-tables', { type: 'boolean', default: false, describe: 'missing MySQL tables would be created (see fbsync schema); hold existing ones to the mapping' })
          .option('exclude-columns', EXCLUDE_COLUMNS)
          .option('none-charset', NONE_CHARSET)
          .option('round-to-target', ROUND_TO_TARGET)
          .option('names', NAMES),
      async (argv) => {
        const job = jobOf(argv.job);
        const { from, to } = servers(argv, job, { to: true }, secrets);
        const flags: Partial<SyncTablesOptions> = givenOptions(defaulted(), {
          tables: argv.tables && list(argv.tables),
          allTables: argv.allTables,
          createTables: argv.createTables,
          excludeColumns: argv.excludeColumns && list(argv.excludeColumns),
          noneCharset: argv.noneCharset,
          roundToTarget: argv.roundToTarget,
          names: namesFor(argv.names),
        });
        const checked = await checkTables(runOptions(job, flags, from, to));
        for (const warning of checked.warnings) process.stderr.write(`fbsync: warning: ${warning}\n`);
        const lines = [...checked.tables.map(checkLine), ...checked.skipped.map((s) => `${s.table}: skipped (${s.reason})`)];
        process.stdout.write(`${redact(lines.join('\n'), secrets)}\n`);
        if (checked.tables.some((t) => t.problem)) process.exitCode = 1;
      },
    )
    .command(
      'schema',
      'print the CREATE TABLE statements sync --create-tables would run; with --alter, what would make the existing MySQL tables exact',
      (y) =>
        y
          .option('alter', { type: 'boolean', default: false, describe: 'compare with the MySQL tables (--to): print the ALTER TABLE that makes each hold its source exactly, CREATE TABLE for a missing one' })
          .option('job', JOB)
          .option('from', FROM)
          .option('to', TO)
          .option('tables', { type: 'string', array: true, describe: 'tables: A,B,…' })
          .option('all-tables', ALL_TABLES)
          .option('exclude-columns', EXCLUDE_COLUMNS)
          .option('none-charset', NONE_CHARSET)
          .option('names', NAMES),
      async (argv) => {
        process.stdout.write(`${await schemaScript(argv, defaulted(), secrets)}\n`);
      },
    )
    .command(
      'verify',
      'compare the MySQL tables with Firebird without writing: rows missing, extra or different, with their keys (exit 6 when any)',
      verifyOptions,
      async (argv) => {
        process.exitCode = await verifyCommand(argv, defaulted(), secrets);
      },
    )
    .demandCommand(1, 'name a command: fbsync sync --help, fbsync check --help, fbsync schema --help, fbsync verify --help')
    .strict()
    .help()
    .version(fbsyncVersion())
    .fail((message, err) => {
      if (err) throw err;
      process.stderr.write(`fbsync: ${message} (see fbsync --help)\n`);
      process.exit(2);
    })
    .parseAsync();
}

/** The tables' errors as the command says them: flags for options, passwords masked (in the text and in --json). */
function inCommandWords(summary: TablesSummary): void {
  for (const table of summary.tables) {
    if (!table.error) continue;
    const { options: _options, ...error } = table.error;
    table.error = { ...error, message: redact(errorText(table.error, flagOf), secrets) };
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fbsync: ${redact(commandMessage(err), secrets)}\n`);
  process.exitCode = errorExitStatus(err);
});
