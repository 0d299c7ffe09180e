/**
 * What every hand-written case shares: it runs as its own process (so the bench can take its
 * peak RSS), reads the URIs from the environment (never argv, where `ps` shows passwords) and
 * its numbers from argv, and answers with one JSON document on stdout.
 */
import { parseArgs } from 'node:util';

export interface CaseResult {
  /** Rows the case moved; the bench checks it against what it asked for. */
  rows: number;
  /** Time of the work itself, connecting included, process start-up excluded. */
  elapsedMs: number;
  [detail: string]: unknown;
}

export interface CaseInput {
  from: string;
  to: string;
  rows: number;
  table: string;
  pageSize: number;
}

export function caseInput(): CaseInput {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '0' },
      table: { type: 'string', default: 'TB_ESTOQUE' },
      'page-size': { type: 'string', default: '10000' },
    },
    strict: true,
  });
  return {
    from: process.env.FBSYNC_FROM ?? '',
    to: process.env.FBSYNC_TO ?? '',
    rows: Number(values.rows),
    table: values.table!,
    pageSize: Number(values['page-size']),
  };
}

/** Runs the case and prints its result; a failure goes to stderr with a non-zero exit code. */
export function runCase(work: (input: CaseInput) => Promise<CaseResult>): void {
  work(caseInput()).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
