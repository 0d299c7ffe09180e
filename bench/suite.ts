/**
 * The rows of the bench table: what each one runs (always a child process), what it prepares
 * untimed before every run, and what its output must say for the run to count as correct.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyRandomChanges, changeSizes, latestStamp } from './changes.js';
import { formatVerify, isIdentical, verifyTable } from './verify.js';
import { BASELINE_TABLE, RAW_WRITE_TABLE, TARGET_TABLE, emptyMysqlTable, seedWatermark } from './fixtures.js';
import { ESTOQUE_TABLE } from './estoque.js';
import { editTargetRows, undoTargetEdits } from './target-edits.js';

export type CaseId =
  | 'raw-read' | 'raw-write' | 'baseline' | 'full-load' | 'resync-unchanged' | 'resync-changed' | 'resync-compare-all' | 'verify-unchanged' | 'verify-edited' | 'resync-since' | 'full-load-10x'
  | `${LinkName}-${'full-load' | 'resync-unchanged' | 'resync-compare-all'}`;

/** Which server sits behind the delaying link in a network row. */
export type LinkName = 'firebird-link' | 'mysql-link';

/** A network row's loopback counterpart, which its ratio and target are taken against. */
export function loopbackCase(id: CaseId): CaseId {
  return id.replace(/^(firebird|mysql)-link-/, '') as CaseId;
}

/** What one run's output says, once checked. */
export interface RunOutput {
  rows: number;
  /** The work's own elapsed time, as the child measured it (process start-up excluded). */
  elapsedMs: number;
  /** The child's JSON answer, kept in the results file. */
  detail: unknown;
  /** Everything that was not as expected (wrong counts, …); empty when the run is correct. */
  problems: string[];
}

export interface CaseSpec {
  id: CaseId;
  /** Row number in the brief's list (7 is the 10×N load). */
  number: number;
  label: string;
  /** Rows the case handles per run: rows/s is this over the elapsed time. */
  rows: number;
  command: { file: string; args: string[]; env: NodeJS.ProcessEnv };
  /** Exit statuses that mean the run worked (default: 0 only). */
  exitCodes?: readonly number[];
  /** Untimed preparation before each run; its value is handed to `check`. */
  before?: () => Promise<unknown>;
  check: (stdout: string, prepared: unknown) => RunOutput;
  /** Untimed work after the last run (the independent verification); returns lines to print. */
  after?: () => Promise<{ lines: string; ok: boolean; detail: unknown }>;
}

export interface SuiteContext {
  root: string;
  rows: number;
  baselineRows: number;
  /** Firebird URI of the N-row fixture and of the 10×N one. */
  firebird: string;
  firebird10x: string | undefined;
  /** MySQL URI of the bench database. */
  mysql: string;
  /**
   * The same servers behind a delaying TCP proxy (bench/delay-proxy.ts), for the network rows,
   * and the delay it adds each way; absent: no network rows.
   */
  links?: { firebird: string; mysql: string; delayMs: number };
  log: (line: string) => void;
}

export function buildSuite(ctx: SuiteContext): CaseSpec[] {
  const env = childEnv();
  const tsCase = (script: string, args: string[], from: string, to = ''): CaseSpec['command'] => ({
    file: process.execPath,
    // `--import tsx` runs the TypeScript case in this very process: no extra launcher to measure.
    args: ['--import', 'tsx', join(ctx.root, 'bench', 'cases', script), ...args],
    env: { ...env, FBSYNC_FROM: from, FBSYNC_TO: to },
  });
  const bin = join(ctx.root, 'dist', 'bin', 'fbsync.js');
  const fbsync = (from: string, withDelete: boolean, extra: string[] = [], to = ctx.mysql): CaseSpec['command'] => ({
    file: process.execPath,
    // With the node flags of the bin's first line, as `npx fbsync` runs it.
    args: [...shebangFlags(bin), bin, 'sync', '--tables', ESTOQUE_TABLE, '--json', ...(withDelete ? ['--delete'] : []), ...extra],
    env: { ...env, FBSYNC_FROM: from, FBSYNC_TO: to },
  });
  const verify = (from: string): CaseSpec['command'] => ({
    file: process.execPath,
    args: [...shebangFlags(bin), bin, 'verify', '--tables', ESTOQUE_TABLE, '--json'],
    env: { ...env, FBSYNC_FROM: from, FBSYNC_TO: ctx.mysql },
  });
  const verifyAfter = (from: string) => async () => {
    ctx.log(`verifying ${TARGET_TABLE} value by value against Firebird …`);
    const result = await verifyTable({ from, to: ctx.mysql, table: ESTOQUE_TABLE });
    return { lines: formatVerify(result), ok: isIdentical(result), detail: result };
  };
  const N = ctx.rows;
  const sizes = changeSizes(N);
  // Rows 4-7 run as a nightly job would: --row-versions notes Firebird's record versions on the
  // full load and then reads in full only rows written since. Row 9 is row 6 without it.
  const VERSIONS = ['--row-versions'];
  const changedCounts = (made: unknown) => {
    const c = made as typeof sizes;
    return { read: N, inserted: c.inserted, updated: c.updated, unchanged: N - c.updated - c.inserted, deleted: c.deleted };
  };

  const suite: CaseSpec[] = [
    {
      id: 'raw-read',
      number: 1,
      label: 'raw read (node-firebird, 10k keyset pages)',
      rows: N,
      command: tsCase('raw-read.ts', ['--page-size', '10000'], ctx.firebird),
      check: (stdout) => caseOutput(stdout, { rows: N }),
    },
    {
      id: 'raw-write',
      number: 2,
      label: 'raw write (mysql2 upserts, 1000 rows, 4 conns)',
      rows: N,
      command: tsCase('raw-write.ts', ['--rows', String(N), '--table', RAW_WRITE_TABLE], '', ctx.mysql),
      before: () => emptyMysqlTable(ctx.mysql, RAW_WRITE_TABLE),
      check: (stdout) => caseOutput(stdout, { rows: N, affectedRows: N }),
    },
    {
      id: 'baseline',
      number: 3,
      label: `per-row baseline (Go tool's way, ${ctx.baselineRows.toLocaleString('en-US')} rows)`,
      rows: ctx.baselineRows,
      command: tsCase('per-row-baseline.ts', ['--rows', String(ctx.baselineRows), '--table', BASELINE_TABLE], ctx.firebird, ctx.mysql),
      before: () => emptyMysqlTable(ctx.mysql, BASELINE_TABLE),
      check: (stdout) => caseOutput(stdout, { rows: ctx.baselineRows }),
    },
    {
      id: 'full-load',
      number: 4,
      label: 'fbsync full load (empty target), --row-versions',
      rows: N,
      command: fbsync(ctx.firebird, false, VERSIONS),
      before: () => emptyMysqlTable(ctx.mysql, TARGET_TABLE),
      check: (stdout) => fbsyncOutput(stdout, { read: N, inserted: N, updated: 0, unchanged: 0, deleted: 0 }, 'noted'),
      after: verifyAfter(ctx.firebird),
    },
    {
      id: 'resync-unchanged',
      number: 5,
      label: 'fbsync re-sync --delete --row-versions, nothing changed',
      rows: N,
      command: fbsync(ctx.firebird, true, VERSIONS),
      check: (stdout) => fbsyncOutput(stdout, { read: N, inserted: 0, updated: 0, unchanged: N, deleted: 0 }, 'compared'),
    },
    {
      id: 'resync-changed',
      number: 6,
      label: 'fbsync re-sync --delete --row-versions, 1%/0.1%/0.1% changed',
      rows: N,
      command: fbsync(ctx.firebird, true, VERSIONS),
      // A fresh random change set in the source before every run, so no run repeats another's work.
      before: () => applyRandomChanges(ctx.firebird, sizes),
      check: (stdout, made) => fbsyncOutput(stdout, changedCounts(made), 'compared'),
      after: verifyAfter(ctx.firebird),
    },
    {
      id: 'resync-compare-all',
      number: 9,
      label: 'row 6 without --row-versions: every row compared',
      rows: N,
      command: fbsync(ctx.firebird, true),
      before: () => applyRandomChanges(ctx.firebird, sizes),
      check: (stdout, made) => fbsyncOutput(stdout, changedCounts(made)),
      after: verifyAfter(ctx.firebird),
    },
    {
      id: 'verify-unchanged',
      number: 10,
      label: 'fbsync verify after row 9: nothing differs',
      rows: N,
      command: verify(ctx.firebird),
      check: (stdout) => verifyOutput(stdout, []),
    },
    {
      id: 'verify-edited',
      number: 11,
      label: 'fbsync verify after 1% of target rows were edited in MySQL',
      rows: N,
      command: verify(ctx.firebird),
      // verify exits 6 when it finds rows that differ, as it must here.
      exitCodes: [6],
      before: () => editTargetRows(ctx.mysql, 0.01),
      check: (stdout, edited) => verifyOutput(stdout, edited as number[]),
      after: async () => {
        await undoTargetEdits(ctx.mysql);
        return { lines: 'target edits undone', ok: true, detail: null };
      },
    },
    {
      id: 'resync-since',
      number: 8,
      label: 'fbsync re-sync --since-column, same changes (no deletes seen)',
      rows: N,
      command: fbsync(ctx.firebird, false, ['--since-column', 'ATUALIZADO_EM']),
      before: async () => {
        // Row 6 left the target verified equal to the source, so a watermark at the source's
        // latest stamp is what a completed since-run would have left; seeded before every run.
        // The default 60 s overlap also reads the rows stamped in the minute before it (the
        // previous run's change set, on runs after the first): they come out unchanged.
        await seedWatermark(ctx.mysql, TARGET_TABLE, await latestStamp(ctx.firebird));
        return applyRandomChanges(ctx.firebird, sizes, { stamp: true });
      },
      check: (stdout, made) => {
        const c = made as typeof sizes;
        const t = (JSON.parse(stdout) as { total: FbsyncTotals }).total;
        // Deleted source rows stay in the target: --since-column cannot see them (the next
        // bench's row 4 starts over). So a later run's insert may land on a key an earlier run
        // deleted in the source only, and count as an update: only the sum is fixed.
        const output = fbsyncOutput(stdout, { read: c.updated + c.inserted + t.unchanged, inserted: t.inserted, updated: t.updated, unchanged: t.unchanged, deleted: 0 });
        if (t.inserted + t.updated !== c.inserted + c.updated) output.problems.push(`fbsync wrote ${t.inserted + t.updated} rows, expected ${c.inserted + c.updated}`);
        return output;
      },
    },
  ];
  if (ctx.links) {
    // Rows 4, 5 and 9 again with one server behind a link of `delayMs` each way: a full load,
    // a no-change --row-versions re-sync, a re-sync comparing every row after a change set.
    const ms = ctx.links.delayMs * 2;
    const links: Array<{ name: LinkName; label: string; from: string; to: string; first: number }> = [
      { name: 'firebird-link', label: `Firebird over ${ms} ms RTT`, from: ctx.links.firebird, to: ctx.mysql, first: 12 },
      { name: 'mysql-link', label: `MySQL over ${ms} ms RTT`, from: ctx.firebird, to: ctx.links.mysql, first: 15 },
    ];
    for (const link of links) {
      suite.push(
        {
          id: `${link.name}-full-load`,
          number: link.first,
          label: `row 4, ${link.label}`,
          rows: N,
          command: fbsync(link.from, false, VERSIONS, link.to),
          before: () => emptyMysqlTable(ctx.mysql, TARGET_TABLE),
          check: (stdout) => fbsyncOutput(stdout, { read: N, inserted: N, updated: 0, unchanged: 0, deleted: 0 }, 'noted'),
        },
        {
          id: `${link.name}-resync-unchanged`,
          number: link.first + 1,
          label: `row 5, ${link.label}`,
          rows: N,
          command: fbsync(link.from, true, VERSIONS, link.to),
          check: (stdout) => fbsyncOutput(stdout, { read: N, inserted: 0, updated: 0, unchanged: N, deleted: 0 }, 'compared'),
        },
        {
          id: `${link.name}-resync-compare-all`,
          number: link.first + 2,
          label: `row 9, ${link.label}`,
          rows: N,
          command: fbsync(link.from, true, [], link.to),
          before: () => applyRandomChanges(ctx.firebird, sizes),
          check: (stdout, made) => fbsyncOutput(stdout, changedCounts(made)),
          after: verifyAfter(ctx.firebird),
        },
      );
    }
  }
  if (ctx.firebird10x) {
    suite.push({
      id: 'full-load-10x',
      number: 7,
      label: 'fbsync full load of 10×N (empty target), --row-versions',
      rows: N * 10,
      command: fbsync(ctx.firebird10x, false, VERSIONS),
      before: () => emptyMysqlTable(ctx.mysql, TARGET_TABLE),
      check: (stdout) => fbsyncOutput(stdout, { read: N * 10, inserted: N * 10, updated: 0, unchanged: 0, deleted: 0 }, 'noted'),
    });
  }
  return suite;
}

/** The environment children get: the bench's own, minus what would change how they run. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['FBSYNC_FROM', 'FBSYNC_TO', 'DEBUG', 'NODE_OPTIONS', 'NODE_DEBUG']) delete env[name];
  return env;
}

/** Checks a hand-written case's answer: every expected field must match exactly. */
function caseOutput(stdout: string, expected: Record<string, number>): RunOutput {
  const out = JSON.parse(stdout) as { rows: number; elapsedMs: number } & Record<string, unknown>;
  const problems = Object.entries(expected)
    .filter(([k, v]) => out[k] !== v)
    .map(([k, v]) => `${k} = ${String(out[k])}, expected ${v}`);
  return { rows: out.rows, elapsedMs: out.elapsedMs, detail: out, problems };
}

interface FbsyncTotals {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  elapsedMs: number;
}

/**
 * Checks fbsync's `--json` summary against the counts the run must report, and with
 * --row-versions how it used them (a re-sync that fell back to comparing every row would
 * otherwise pass as a slow fast path).
 */
function fbsyncOutput(stdout: string, expected: Omit<FbsyncTotals, 'elapsedMs'>, versions?: 'noted' | 'compared'): RunOutput {
  const summary = JSON.parse(stdout) as { total: FbsyncTotals; tables: { versions?: { mode: string; reason?: string } }[] };
  const t = summary.total;
  const problems = (Object.keys(expected) as (keyof typeof expected)[])
    .filter((k) => t[k] !== expected[k])
    .map((k) => `fbsync reported ${k} = ${String(t[k])}, expected ${expected[k]}`);
  const used = summary.tables[0]?.versions;
  if (versions && used?.mode !== versions) problems.push(`--row-versions: mode ${used?.mode ?? 'none'}${used?.reason ? ` (${used.reason})` : ''}, expected ${versions}`);
  return { rows: t.read, elapsedMs: t.elapsedMs, detail: summary, problems };
}

/** Checks `fbsync verify --json`: exactly the `edited` keys differ, nothing missing or extra. */
function verifyOutput(stdout: string, edited: readonly number[]): RunOutput {
  const report = JSON.parse(stdout) as { elapsedMs: number; tables: { counts: { same: number; missing: number; extra: number; differ: number }; keys: { missing: unknown[]; extra: unknown[]; differ: unknown[][] } }[] };
  const t = report.tables[0]!;
  const problems: string[] = [];
  if (t.counts.missing || t.counts.extra) problems.push(`verify reported ${t.counts.missing} missing, ${t.counts.extra} extra, expected none`);
  const found = t.keys.differ.map((k) => Number(k[0]));
  if (found.length !== edited.length || found.some((k, i) => k !== edited[i])) problems.push(`verify found ${found.length} rows that differ, expected exactly the ${edited.length} edited`);
  return { rows: t.counts.same + t.counts.differ, elapsedMs: report.elapsedMs, detail: { counts: t.counts, ranges: (t as { ranges?: unknown }).ranges }, problems };
}

/** The node flags of a script's first line: `--max-semi-space-size=4` from `#!/usr/bin/env -S node --max-semi-space-size=4`. */
export function shebangFlags(file: string): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const words = first.replace(/^#!/, '').trim().split(/\s+/);
  const node = words.findIndex((w) => w === 'node' || w.endsWith('/node'));
  return node < 0 ? [] : words.slice(node + 1);
}
