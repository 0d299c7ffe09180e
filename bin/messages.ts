/**
 * The command's words for the library's. A library error names an option as a caller of the
 * library spells it (`maxErrors`) and lists it in `err.options`; the command prints its flag
 * (--max-errors) in its place. Only the options an error lists are replaced, so a MySQL
 * identifier in backquotes in the same message is left as it is.
 */
import { FbsyncError, type SchemaOptions, type SyncTablesOptions } from '../lib/index.js';

/** `alter`: the schema command's flag for mysqlAlterations, which hints name. */
type LibraryOption = keyof SyncTablesOptions | keyof SchemaOptions | 'retry.attempts' | 'alter' | 'rangeRows' | 'exactRows';

/** Every library option that has a flag, and the flag (see the options in fbsync.ts). */
const FLAGS: { readonly [option in LibraryOption]?: string } = {
  from: '--from',
  to: '--to',
  tables: '--tables',
  allTables: '--all-tables',
  createTables: '--create-tables',
  parallelTables: '--parallel-tables',
  noneCharset: '--none-charset',
  names: '--names',
  delete: '--delete',
  maxDelete: '--max-delete',
  softDelete: '--soft-delete',
  parallel: '--parallel',
  pageSize: '--page-size',
  batchRows: '--batch-rows',
  loadData: '--load-data',
  excludeColumns: '--exclude-columns',
  sinceColumn: '--since-column',
  sinceOverlapSeconds: '--since-overlap',
  rowVersions: '--row-versions',
  dryRun: '--dry-run',
  resume: '--resume',
  maxErrors: '--max-errors',
  rejectFile: '--reject-file',
  onProgress: '--progress',
  stopOnError: '--stop-on-error',
  wait: '--wait',
  alter: '--alter',
  rangeRows: '--range-rows',
  roundToTarget: '--round-to-target',
  // The library counts attempts, the command retries (one fewer): "allow more attempts with --retries" still reads right.
  'retry.attempts': '--retries',
};

/** Every flag of the command that names a library option. */
export const COMMAND_FLAGS: readonly string[] = Object.values(FLAGS);

/**
 * The options whose flags the user gave: those yargs filled in from its defaults (`defaulted`,
 * as yargs spells flags, without the dashes) are left out, and so are options without a value,
 * so that what a job file says is overridden only by what the command line says.
 */
export function givenOptions<T extends object>(defaulted: ReadonlySet<string>, options: T): Partial<T> {
  const given = Object.entries(options).filter(([option, value]) => {
    if (value === undefined) return false;
    const flag = FLAGS[(option === 'retry' ? 'retry.attempts' : option) as LibraryOption];
    return !(flag && defaulted.has(flag.slice(2)));
  });
  return Object.fromEntries(given) as Partial<T>;
}

/** The flag for a library option, or the option in backquotes when the command has none. */
export function flagOf(option: string): string {
  return (FLAGS as Record<string, string | undefined>)[option] ?? `\`${option}\``;
}

/** An error as the command says it (before passwords are masked): the options it lists named by their flags. */
export function commandMessage(err: unknown): string {
  if (!(err instanceof FbsyncError)) return err instanceof Error ? err.message : String(err);
  return err.options.reduce((text, option) => text.replaceAll(`\`${option}\``, flagOf(option)), err.message);
}
