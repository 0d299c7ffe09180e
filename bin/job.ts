/** A run as the command builds it: the job file (docs/jobs.md), the flags over it, the servers. */
import { FbsyncError, loadJob, passwordOf, type LoadedJob, type SyncTablesOptions } from '../lib/index.js';

/** The job file's run, if --job names one. */
export function jobOf(file: string | undefined): LoadedJob | undefined {
  return file === undefined ? undefined : loadJob(file);
}

/**
 * The run: the job file's options, then the flags the user gave over them (yargs' defaults
 * do not count as given, so that they do not override the file). With a job file, --tables picks
 * tables of the file, each with its entry's options; a table the file lacks runs with the defaults.
 */
export function runOptions(job: LoadedJob | undefined, flags: Partial<SyncTablesOptions>, from: string, to: string): SyncTablesOptions {
  const fromFile = job?.options ?? {};
  const tables = flags.tables && fromFile.tables ? flags.tables.map((name) => fromFile.tables!.find((t) => typeof t !== 'string' && t.name.toUpperCase() === String(name).toUpperCase()) ?? name) : flags.tables;
  return { ...fromFile, ...flags, ...(tables && { tables }), from, to };
}

/** The Firebird and MySQL URIs: the flag, else the job file's, else the environment's; their passwords go to `secrets`, to be masked. */
export function servers(argv: { from?: string; to?: string }, job: LoadedJob | undefined, need: { to: boolean }, secrets: (string | undefined)[]): { from: string; to: string } {
  const from = argv.from ?? job?.from ?? process.env.FBSYNC_FROM;
  const to = argv.to ?? job?.to ?? process.env.FBSYNC_TO;
  secrets.push(from && passwordOf(from), to && passwordOf(to));
  if (!from) throw new FbsyncError('OPTION', 'no Firebird source given', { hint: 'pass --from, set FBSYNC_FROM or write `from:` in the job file' });
  if (!to && need.to) throw new FbsyncError('OPTION', 'no MySQL target given', { hint: 'pass --to, set FBSYNC_TO or write `to:` in the job file' });
  return { from, to: to ?? '' };
}
