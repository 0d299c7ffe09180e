#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The fbsync command: parses arguments and hands them to the library. Every failure ends as
 * one line on stderr with the passwords of --from/--to masked, and a non-zero exit code.
 *
 * The first line caps V8's young generation at 4 MB semi-spaces (node's default grows them to
 * 16 MB or more): rows stream through far faster than they die young, so a smaller young
 * generation lowers the peak memory at the price of more scavenges (docs/performance.md#memory).
 * `node dist/bin/fbsync.js` skips that line; `npx fbsync` does not.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FbsyncError, RejectFile, passwordOf, redact, syncTables, formatRetry, formatTablesSummary, mysqlSchema, formatSchema, errorText, type TablesSummary } from '../lib/index.js';
import { commandMessage, flagOf } from './messages.js';
import { errorExitStatus, exitStatus } from './exit-codes.js';
import { fbsyncVersion } from './version.js';

const secrets: (string | undefined)[] = [];

/*
 * The numeric options have no yargs `type`: with type number, yargs turns `abc` into NaN before
 * the coerce sees it, and the message could only say "not NaN".
 */
function wholeNumber(name: string) {
  return (v: unknown) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new FbsyncError('OPTION', `--${name} must be a whole number (0 or more), not ${String(v)}`);
    return n;
  };
}

function positiveInt(name: string) {
  return (v: unknown) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new FbsyncError('OPTION', `--${name} must be a positive integer, not ${String(v)}`);
    return n;
  };
}

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The first SIGINT/SIGTERM stops reading: batches in flight commit, the checkpoint is kept and
 * the summary so far is printed. A second one exits at once; MySQL rolls back whatever
 * transaction was open, so even then no batch is half written.
 */
function stopOnSignals(): { signal: AbortSignal; readonly received: NodeJS.Signals | undefined } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    const code = sig === 'SIGINT' ? 130 : 143;
    if (received) {
      process.stderr.write(`fbsync: ${sig} again: exiting now\n`);
      process.exit(code);
    }
    received = sig;
    process.stderr.write(`fbsync: ${sig}: finishing the batches in flight, then stopping (send it again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
  };
}

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('fbsync')
    .usage('$0 <command> [options]')
    .command(
      'sync',
      'copy Firebird tables into MySQL tables: insert, update and (with --delete) delete what differs',
      (y) =>
        y
          .option('from', { type: 'string', describe: 'Firebird URI firebird://user:pass@host:port//path.fdb (or FBSYNC_FROM)' })
          .option('to', { type: 'string', describe: 'MySQL URI mysql://user:pass@host:port/database (or FBSYNC_TO)' })
          .option('tables', { type: 'string', array: true, describe: 'tables to sync: A,B,…' })
          .option('all-tables', { type: 'boolean', default: false, describe: 'every table with a primary key (instead of --tables)' })
          .option('create-tables', { type: 'boolean', default: false, describe: 'create missing MySQL tables (see fbsync schema); refuse existing ones too small' })
          .option('parallel-tables', { default: 1, coerce: positiveInt('parallel-tables'), describe: 'tables synced at once' })
          .option('none-charset', { type: 'string', describe: 'read CHARACTER SET NONE text as this set (e.g. WIN1252); default: copy its bytes' })
          .option('delete', { type: 'boolean', default: false, describe: 'also delete target rows the source does not have' })
          .option('parallel', { default: 4, coerce: positiveInt('parallel'), describe: 'batches written at once' })
          .option('page-size', { default: 10_000, coerce: positiveInt('page-size'), describe: 'source rows per keyset page' })
          .option('batch-rows', { default: 4000, coerce: positiveInt('batch-rows'), describe: 'rows per INSERT/LOAD DATA/DELETE statement' })
          .option('load-data', { type: 'boolean', default: true, describe: 'write new rows with LOAD DATA LOCAL INFILE where the server allows it (--no-load-data: INSERT only)' })
          .option('exclude-columns', { type: 'string', array: true, describe: 'source columns to leave out: TABLE.COLUMN,…' })
          .option('since-column', { type: 'string', describe: 'read only rows whose TIMESTAMP/DATE column COL changed since the last completed run (cannot see deletes)' })
          .option('since-overlap', { default: 60, coerce: wholeNumber('since-overlap'), describe: 'seconds before the last watermark to read again (--since-column)' })
          .option('row-versions', { type: 'boolean', default: false, describe: 'read in full only rows whose Firebird record version changed since the last run (versions noted in the target)' })
          .option('dry-run', { type: 'boolean', default: false, describe: 'compute and report the diff, write nothing' })
          .option('resume', { type: 'boolean', default: false, describe: 'continue after the checkpoint an unfinished run left in the target' })
          .option('max-errors', { default: 0, coerce: wholeNumber('max-errors'), describe: 'rows MySQL may refuse for good, per table, before the run stops' })
          .option('reject-file', { type: 'string', describe: 'where refused rows are appended as JSON lines (default fbsync-rejects-<time>.jsonl)' })
          .option('retries', { default: 7, coerce: wholeNumber('retries'), describe: 'retries of a statement that failed for a transient reason' })
          .option('stop-on-error', { type: 'boolean', default: false, describe: 'start no further table once one fails (default: every table runs; the exit status is the worst)' })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON document instead of the table' }),
      async (argv) => {
        const from = argv.from ?? process.env.FBSYNC_FROM;
        const to = argv.to ?? process.env.FBSYNC_TO;
        secrets.push(from && passwordOf(from), to && passwordOf(to));
        if (!from) throw new FbsyncError('OPTION', 'no Firebird source given', { hint: 'pass --from or set FBSYNC_FROM' });
        if (!to) throw new FbsyncError('OPTION', 'no MySQL target given', { hint: 'pass --to or set FBSYNC_TO' });
        const stop = stopOnSignals();
        // One file for every table; it is only created when the first row is refused.
        const rejectFile = new RejectFile(argv.rejectFile ?? `fbsync-rejects-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
        const summary = await syncTables({
          from,
          to,
          tables: list(argv.tables ?? []),
          allTables: argv.allTables,
          createTables: argv.createTables,
          parallelTables: argv.parallelTables,
          noneCharset: argv.noneCharset,
          delete: argv.delete,
          sinceColumn: argv.sinceColumn,
          sinceOverlapSeconds: argv.sinceOverlap,
          rowVersions: argv.rowVersions,
          dryRun: argv.dryRun,
          parallel: argv.parallel,
          pageSize: argv.pageSize,
          batchRows: argv.batchRows,
          loadData: argv.loadData,
          excludeColumns: list(argv.excludeColumns ?? []),
          resume: argv.resume,
          signal: stop.signal,
          maxErrors: argv.maxErrors,
          stopOnError: argv.stopOnError,
          rejectFile,
          retry: { attempts: argv.retries + 1 },
          // On stderr, so that a nightly run's log shows what the server did even when the run succeeds.
          onRetry: (event) => process.stderr.write(`fbsync: ${redact(formatRetry(event), secrets)}\n`),
        }).finally(() => rejectFile.close());
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
      'schema',
      'print the CREATE TABLE statements sync --create-tables would run',
      (y) =>
        y
          .option('from', { type: 'string', describe: 'Firebird URI firebird://user:pass@host:port//path.fdb (or FBSYNC_FROM)' })
          .option('tables', { type: 'string', array: true, describe: 'tables: A,B,…' })
          .option('all-tables', { type: 'boolean', default: false, describe: 'every table with a primary key (instead of --tables)' })
          .option('exclude-columns', { type: 'string', array: true, describe: 'source columns to leave out: TABLE.COLUMN,…' })
          .option('none-charset', { type: 'string', describe: 'read CHARACTER SET NONE text as this set (e.g. WIN1252); default: copy its bytes' }),
      async (argv) => {
        const from = argv.from ?? process.env.FBSYNC_FROM;
        secrets.push(from && passwordOf(from));
        if (!from) throw new FbsyncError('OPTION', 'no Firebird source given', { hint: 'pass --from or set FBSYNC_FROM' });
        const schema = await mysqlSchema({
          from,
          tables: list(argv.tables ?? []),
          allTables: argv.allTables,
          excludeColumns: list(argv.excludeColumns ?? []),
          noneCharset: argv.noneCharset,
        });
        process.stdout.write(`${formatSchema(schema)}\n`);
      },
    )
    .demandCommand(1, 'name a command: fbsync sync --help, fbsync schema --help')
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
