/** `fbsync verify`: is the MySQL copy the same as Firebird? Per table counts, the keys that differ, an exit status. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { DIFFERENCE_KINDS, FbsyncError, RejectFile, encodeKeyParts, namesFor, redact, repairTables, verifyTables, type Difference, type NameCase, type SyncTablesOptions, type TableRepair, type VerifyReport, type VerifyTablesOptions } from '../lib/index.js';
import type { Argv } from 'yargs';
import { list, maxDelete, positiveInt, wholeNumber } from './arguments.js';
import { ALL_TABLES, EXCLUDE_COLUMNS, FROM, JOB, NAMES, NONE_CHARSET, ROUND_TO_TARGET, TO } from './shared-options.js';
import { EXIT } from './exit-codes.js';
import { jobOf, runOptions, servers } from './job.js';
import { givenOptions } from './messages.js';

export interface VerifyArguments {
  job?: string;
  from?: string;
  to?: string;
  tables?: string[];
  allTables?: boolean;
  excludeColumns?: string[];
  noneCharset?: string;
  roundToTarget?: boolean;
  names: NameCase;
  json?: boolean;
  keys?: string;
  rangeRows?: number;
  repair?: boolean;
  delete?: boolean;
  maxDelete?: number | `${number}%`;
  dryRun?: boolean;
  maxErrors?: number;
  rejectFile?: string;
}

/** The command's flags. */
export function verifyOptions(y: Argv) {
  return y
    .option('job', JOB)
    .option('from', FROM)
    .option('to', TO)
    .option('tables', { type: 'string', array: true, describe: 'tables to verify: A,B,…' })
    .option('all-tables', ALL_TABLES)
    .option('exclude-columns', EXCLUDE_COLUMNS)
    .option('none-charset', NONE_CHARSET)
    .option('round-to-target', ROUND_TO_TARGET)
    .option('names', NAMES)
    .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON, with every key found' })
    .option('keys', { type: 'string', describe: 'write every key found to this file, one JSON line each ({"table","kind","key"})' })
    .option('range-rows', { type: 'number', coerce: positiveInt('range-rows'), describe: 'source rows per checksummed key range (default 10000)' })
    .option('repair', { type: 'boolean', default: false, describe: 'then write only the rows found missing or different, and verify again' })
    .option('delete', { type: 'boolean', default: false, describe: 'with --repair: also delete the rows only MySQL has' })
    .option('max-delete', { type: 'string', coerce: maxDelete, describe: 'with --repair --delete: most rows a table may lose, N or P% (default 50%)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'with --repair: say what it would write, write nothing' })
    .option('max-errors', { default: 0, coerce: wholeNumber('max-errors'), describe: 'with --repair: rows MySQL may refuse for good, per table' })
    .option('reject-file', { type: 'string', describe: 'with --repair: where refused rows are appended as JSON lines' })
    .check((argv) => {
      const needRepair = (['delete', 'dryRun', 'maxDelete', 'rejectFile'] as const).filter((k) => argv[k] !== undefined && argv[k] !== false);
      if (needRepair.length > 0 && !argv.repair) throw new FbsyncError('OPTION', `--${needRepair[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --repair`);
      if (argv.maxDelete !== undefined && !argv.delete) throw new FbsyncError('OPTION', '--max-delete goes with --delete');
      return true;
    });
}

/** Keys printed on the terminal per table; --json and --keys FILE have them all. */
export const KEYS_SHOWN = 20;

const keyText = (key: Difference['key']) => JSON.stringify(encodeKeyParts(key));

/** One table's lines for the terminal. */
function tableLines(table: VerifyReport, shown: Difference[]): string[] {
  const c = table.counts;
  const names = table.table === table.target ? table.table : `${table.table} -> ${table.target}`;
  const unhashed = table.unhashed.length ? ` (compared by value: ${table.unhashed.map((u) => u.column).join(', ')})` : '';
  if (table.identical) return [`${names}: identical, ${c.same.toLocaleString('en-US')} rows${unhashed}`];
  const lines = [`${names}: ${c.missing} missing, ${c.extra} extra, ${c.differ} differ, ${c.same.toLocaleString('en-US')} rows the same${unhashed}`];
  for (const d of shown) lines.push(`  ${d.kind.padEnd(7)} ${keyText(d.key)}`);
  const found = c.missing + c.extra + c.differ;
  if (found > shown.length) lines.push(`  … ${found - shown.length} more (all of them with --json or --keys FILE)`);
  return lines;
}

/** Runs the verify; returns the exit status (6 when rows differ). */
export async function verifyCommand(argv: VerifyArguments, defaulted: ReadonlySet<string>, secrets: (string | undefined)[]): Promise<number> {
  const job = jobOf(argv.job);
  const { from, to } = servers(argv, job, { to: true }, secrets);
  const flags: Partial<SyncTablesOptions> = givenOptions(defaulted, {
    tables: argv.tables && list(argv.tables),
    allTables: argv.allTables,
    excludeColumns: argv.excludeColumns && list(argv.excludeColumns),
    noneCharset: argv.noneCharset,
    roundToTarget: argv.roundToTarget,
    names: namesFor(argv.names),
  });
  const run = runOptions(job, flags, from, to);
  const shown = new Map<string, Difference[]>();
  let file: WriteStream | undefined;
  if (argv.keys) file = createWriteStream(argv.keys);
  const options: VerifyTablesOptions = {
    from,
    to,
    tables: run.tables,
    allTables: run.allTables,
    excludeColumns: run.excludeColumns,
    noneCharset: run.noneCharset,
    roundToTarget: run.roundToTarget,
    names: run.names,
    rangeRows: argv.rangeRows,
    collectKeys: argv.json,
    onDifference: (d) => {
      const list = shown.get(d.table) ?? [];
      if (list.length < KEYS_SHOWN) list.push(d);
      shown.set(d.table, list);
      file?.write(`${JSON.stringify({ table: d.table, kind: d.kind, key: encodeKeyParts(d.key) })}\n`);
    },
  };
  if (argv.repair) return repairCommand(argv, options, shown, secrets, () => closeKeys(file));
  try {
    const report = await verifyTables(options);
    if (argv.json) {
      const tables = report.tables.map((t) => ({ ...t, keys: t.keys && Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, t.keys![k].map(encodeKeyParts)])) }));
      process.stdout.write(`${JSON.stringify({ ...report, tables }, null, 2)}\n`);
    } else {
      const lines = [...report.tables.flatMap((t) => tableLines(t, shown.get(t.table) ?? [])), ...report.skipped.map((s) => `${s.table}: skipped (${s.reason})`)];
      process.stdout.write(`${redact(lines.join('\n'), secrets)}\n`);
    }
    return report.identical ? EXIT.ok : EXIT.different;
  } finally {
    await closeKeys(file);
  }
}

function closeKeys(file: WriteStream | undefined): Promise<void> {
  return file ? new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve()))) : Promise.resolve();
}

/** `--repair`: verify, write only the rows found, verify again; exit 0 when every table ends identical. */
async function repairCommand(argv: VerifyArguments, options: VerifyTablesOptions, shown: Map<string, Difference[]>, secrets: (string | undefined)[], closeKeys: () => Promise<void>): Promise<number> {
  const rejectFile = new RejectFile(argv.rejectFile ?? `fbsync-rejects-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  try {
    const report = await repairTables({ ...options, collectKeys: false, delete: argv.delete, maxDelete: argv.maxDelete, dryRun: argv.dryRun, maxErrors: argv.maxErrors, rejectFile });
    if (argv.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${redact(report.tables.flatMap((t) => repairLines(t, shown.get(t.found.table) ?? [])).join('\n'), secrets)}\n`);
    return report.identical ? EXIT.ok : EXIT.different;
  } finally {
    await closeKeys();
    await rejectFile.close();
  }
}

function repairLines(t: TableRepair, shown: Difference[]): string[] {
  const lines = tableLines(t.found, shown);
  if (!t.repair) return lines;
  const r = t.repair;
  const wrote = `${r.dryRun ? 'would write' : 'repaired'}: ${r.inserted} inserted, ${r.updated} updated, ${r.deleted} deleted${r.rejected ? `, ${r.rejected} rejected (in the reject file)` : ''}`;
  lines.push(`  ${wrote}`);
  if (t.after) lines.push(...tableLines(t.after, []).map((l, i) => (i === 0 ? `  verified again: ${l.slice(l.indexOf(': ') + 2)}` : l)));
  return lines;
}
