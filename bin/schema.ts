/** `fbsync schema`: the CREATE TABLE statements of --create-tables, or with --alter what would make existing tables exact. */
import { FbsyncError, formatAlterations, formatSchema, mysqlAlterations, mysqlSchema, passwordOf, type SyncTablesOptions } from '../lib/index.js';
import { list } from './arguments.js';
import { jobOf, runOptions, servers } from './job.js';
import { givenOptions } from './messages.js';

export interface SchemaArguments {
  alter?: boolean;
  job?: string;
  from?: string;
  to?: string;
  tables?: string[];
  allTables?: boolean;
  excludeColumns?: string[];
  noneCharset?: string;
}

/** The script to print; the passwords of the URIs go to `secrets`. */
export async function schemaScript(argv: SchemaArguments, defaulted: ReadonlySet<string>, secrets: (string | undefined)[]): Promise<string> {
  if (argv.alter) {
    const job = jobOf(argv.job);
    const { from, to } = servers(argv, job, { to: true }, secrets);
    const flags: Partial<SyncTablesOptions> = givenOptions(defaulted, {
      tables: argv.tables && list(argv.tables),
      allTables: argv.allTables,
      excludeColumns: argv.excludeColumns && list(argv.excludeColumns),
      noneCharset: argv.noneCharset,
    });
    return formatAlterations(await mysqlAlterations(runOptions(job, flags, from, to)));
  }
  if (argv.to !== undefined || argv.job !== undefined) {
    throw new FbsyncError('OPTION', `${argv.to !== undefined ? '--to' : '--job'} goes with --alter`, { hint: 'add --alter to compare with the MySQL tables, or leave it out' });
  }
  const from = argv.from ?? process.env.FBSYNC_FROM;
  secrets.push(from && passwordOf(from));
  if (!from) throw new FbsyncError('OPTION', 'no Firebird source given', { hint: 'pass --from or set FBSYNC_FROM' });
  return formatSchema(
    await mysqlSchema({
      from,
      tables: list(argv.tables ?? []),
      allTables: argv.allTables,
      excludeColumns: list(argv.excludeColumns ?? []),
      noneCharset: argv.noneCharset,
    }),
  );
}
