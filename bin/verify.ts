/** `fbsync verify`: is the MySQL copy the same as Firebird? Per table counts, the keys that differ, an exit status. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { DIFFERENCE_KINDS, encodeKeyParts, namesFor, redact, verifyTables, type Difference, type NameCase, type SyncTablesOptions, type VerifyReport, type VerifyTablesOptions } from '../lib/index.js';
import type { Argv } from 'yargs';
import { list, positiveInt } from './arguments.js';
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
    .option('range-rows', { type: 'number', coerce: positiveInt('range-rows'), describe: 'source rows per checksummed key range (default 10000)' });
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
    if (file) await new Promise<void>((resolve, reject) => file!.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
