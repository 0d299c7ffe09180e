/**
 * The bench's command line: `npm run bench -- [--rows N] [--runs K] [--baseline-rows M]
 * [--skip-10x] [--reuse-fixture] [--json-out FILE]`. Servers come from the environment, defaulting to the local
 * ones that scripts/servers.sh starts:
 *   FBSYNC_BENCH_FIREBIRD  Firebird URI of a server-side DIRECTORY for the fixture databases
 *   FBSYNC_BENCH_MYSQL     MySQL URI of a user that may create the fbsync_bench database
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  rows: number;
  runs: number;
  baselineRows: number;
  skip10x: boolean;
  /** Leave out the network rows (12-17). */
  skipNetwork: boolean;
  /** The delay the network rows' proxy adds in each direction: a round trip costs twice it. */
  linkDelayMs: number;
  /** Keep the N-row fixture an earlier bench left (swept) instead of building it afresh. */
  reuseFixture: boolean;
  jsonOut: string | undefined;
  /** Only these rows (by number), e.g. 4,9,10,11: a row's runs still need the rows it follows. */
  only: number[] | undefined;
  firebirdDir: string;
  mysqlServer: string;
}

const USAGE = 'usage: npm run bench -- [--rows N] [--runs K] [--baseline-rows M] [--skip-10x] [--skip-network] [--link-delay-ms D] [--reuse-fixture] [--json-out FILE] [--only 4,9,10,11]';

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      'baseline-rows': { type: 'string', default: '20000' },
      'skip-10x': { type: 'boolean', default: false },
      'skip-network': { type: 'boolean', default: false },
      'link-delay-ms': { type: 'string', default: '10' },
      'reuse-fixture': { type: 'boolean', default: false },
      'json-out': { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const rows = positive('rows', values.rows!);
  const baselineRows = positive('baseline-rows', values['baseline-rows']!);
  if (baselineRows > rows) throw new Error(`--baseline-rows (${baselineRows}) cannot exceed --rows (${rows})`);
  // Ten times the rows must still fit the fixture's INTEGER key and 8-digit SKU codes.
  if (rows * 10 > 99_999_999) throw new Error(`--rows ${rows} is too large: 10×N must stay below 100,000,000`);
  return {
    rows,
    runs: positive('runs', values.runs!),
    baselineRows,
    skip10x: values['skip-10x']!,
    skipNetwork: values['skip-network']!,
    linkDelayMs: positive('link-delay-ms', values['link-delay-ms']!),
    reuseFixture: values['reuse-fixture']!,
    jsonOut: values['json-out'],
    only: values.only === undefined ? undefined : values.only.split(',').map((n) => positive('only', n)),
    firebirdDir: process.env.FBSYNC_BENCH_FIREBIRD ?? 'firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data',
    mysqlServer: process.env.FBSYNC_BENCH_MYSQL ?? 'mysql://fbsync:fbsync@127.0.0.1:3306',
  };
}

function positive(name: string, text: string): number {
  const n = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${text}\n${USAGE}`);
  return n;
}
