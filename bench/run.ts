/**
 * `npm run bench -- [--rows N] [--runs K] [--baseline-rows M] [--skip-10x] [--skip-network] [--link-delay-ms D] [--json-out FILE]`
 *
 * Orchestrates the bench: builds dist/ if stale, makes sure the fixtures exist, runs every row
 * of the suite K times (each run a child process of its own, so its peak RSS is its own),
 * verifies fbsync's copy independently, then prints one table and writes the results as JSON.
 * Progress goes to stderr, the table to stdout. Targets are reported, never enforced: the exit
 * code is non-zero only when the bench itself could not run.
 */
import { cpus, loadavg } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskUri } from '../lib/util/redact.js';
import { driverState, ensureBuilt, sourceState } from './build.js';
import { changeSizes, ensureInsertRoom } from './changes.js';
import { writeChart } from './chart.js';
import { cpuDelta, cpuSnapshot } from './cpu.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';
import { benchFirebirdUri, benchMysqlUri, ensureEstoqueFirebird, prepareBenchMysql, serverVersions, sweepFirebird } from './fixtures.js';
import { measure, rssMethod, type Measurement } from './measure.js';
import { parseBenchOptions } from './options.js';
import { cpuText, formatReport } from './report.js';
import { defaultResultsPath, summarize, writeResults, type BenchResults, type CaseRecord, type RunRecord } from './results.js';
import { buildSuite, type CaseSpec, type RunOutput } from './suite.js';
import { evaluateTargets, rssText } from './targets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const startedAt = new Date();
  // Other work on the machine skews every figure; the load average says whether there was any.
  const loadAtStart = loadavg()[0]!;
  ensureBuilt(ROOT, log);
  const source = sourceState(ROOT);

  const N = options.rows;
  const firebird = benchFirebirdUri(options.firebirdDir, N);
  const firebird10x = options.skip10x ? undefined : benchFirebirdUri(options.firebirdDir, N * 10);
  const mysql = benchMysqlUri(options.mysqlServer);
  log(`fixtures: ${maskUri(firebird)}${firebird10x ? ` and ${maskUri(firebird10x)}` : ''}; target ${maskUri(mysql)}`);
  // Built afresh for every bench (8 s for 1M rows): each bench's change sets (row 6) leave rows
  // moved and pages half-empty for good, and on a fixture aged by many benches Firebird needed
  // 2.8 CPU-seconds for the 1% re-sync instead of 2.0 — the benches no longer measured the same table.
  await ensureEstoqueFirebird(firebird, N, log, { fresh: !options.reuseFixture });
  const moved = await ensureInsertRoom(firebird, changeSizes(N).inserted);
  if (moved) log(`moved ${moved} random rows past the last key, leaving free keys for random inserts`);
  if (options.reuseFixture) sweepFirebird(firebird, log);
  if (firebird10x) await ensureEstoqueFirebird(firebird10x, N * 10, log);
  await prepareBenchMysql(mysql);
  const versions = await serverVersions(firebird, mysql);

  // The network rows reach each server, in turn, through a proxy in this process that delays
  // every chunk each way, as a link to another host would.
  const proxies: DelayProxy[] = [];
  const link = async (uri: string) => {
    const url = new URL(uri);
    const proxy = await startDelayProxy({ targetHost: url.hostname, targetPort: Number(url.port), delayMs: options.linkDelayMs });
    proxies.push(proxy);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return url.toString();
  };
  const links = options.skipNetwork ? undefined : { firebird: await link(firebird), mysql: await link(mysql), delayMs: options.linkDelayMs };
  const suite = buildSuite({ root: ROOT, rows: N, baselineRows: options.baselineRows, firebird, firebird10x, mysql, links, log }).filter((c) => !options.only || options.only.includes(c.number));
  const cases: CaseRecord[] = [];
  try {
    for (const spec of suite) cases.push(await runCase(spec, options.runs));
  } finally {
    for (const proxy of proxies) await proxy.close();
  }

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { rows: N, runs: options.runs, baselineRows: options.baselineRows, skip10x: options.skip10x, skipNetwork: options.skipNetwork, linkDelayMs: options.linkDelayMs, reuseFixture: options.reuseFixture },
    environment: {
      source,
      driver: driverState(ROOT),
      node: process.version,
      cpus: cpus().length,
      loadAverageAtStart: loadAtStart,
      firebird: versions.firebird,
      mysql: versions.mysql,
      rssMethod: rssMethod(),
      fixture: maskUri(firebird),
      ...(firebird10x ? { fixture10x: maskUri(firebird10x) } : {}),
    },
    cases,
    targets: evaluateTargets(cases),
  };
  const path = options.jsonOut ?? defaultResultsPath(ROOT, startedAt);
  writeResults(path, results);
  const chart = writeChart(path, results);
  const shown = (p: string) => relative(process.cwd(), p) || p;
  process.stdout.write(`\n${formatReport(results)}\n\nresults written to ${shown(path)}, their chart to ${shown(chart)}\n`);
}

/** Runs one row K times; a crashed or nonsensical run ends the row (its reason is reported). */
async function runCase(spec: CaseSpec, runs: number): Promise<CaseRecord> {
  const record: CaseRecord = { id: spec.id, number: spec.number, label: spec.label, rows: spec.rows, runs: [], median: undefined };
  for (let run = 1; run <= runs; run++) {
    let prepared: unknown;
    try {
      prepared = await spec.before?.();
    } catch (err) {
      record.failure = `preparing run ${run} failed: ${err instanceof Error ? err.message : String(err)}`;
      log(`row ${spec.number} ${record.failure}`);
      break;
    }
    log(`row ${spec.number} ${spec.label}: run ${run}/${runs} …`);
    const cpuBefore = await cpuSnapshot();
    const m = await measure(spec.command.file, spec.command.args, { cwd: ROOT, env: spec.command.env, timeoutMs: 600_000 + spec.rows * 0.5 });
    const cpu = cpuDelta(cpuBefore, await cpuSnapshot());
    if (m.timedOut || !(spec.exitCodes ?? [0]).includes(m.exitCode ?? -1)) {
      record.failure = failureText(m);
      log(`row ${spec.number} run ${run} FAILED: ${record.failure}`);
      break;
    }
    let output: RunOutput;
    try {
      output = spec.check(m.stdout, prepared);
    } catch (err) {
      record.failure = `unreadable output (${err instanceof Error ? err.message : String(err)}): ${m.stdout.slice(0, 300)}`;
      log(`row ${spec.number} run ${run} FAILED: ${record.failure}`);
      break;
    }
    const r: RunRecord = {
      run,
      elapsedMs: output.elapsedMs,
      wallMs: m.wallMs,
      peakRssKb: m.peakRssKb,
      rowsPerSecond: (spec.rows * 1000) / output.elapsedMs,
      cpu: {
        childMs: m.cpuMs,
        firebirdMs: cpu?.firebirdMs,
        mysqlMs: cpu?.mysqlMs,
        // Whatever else ran meanwhile (other users' tests, …), less this bench's own processes.
        otherMs: cpu && m.cpuMs !== undefined ? Math.max(0, cpu.machineMs - m.cpuMs - cpu.firebirdMs - cpu.mysqlMs) : undefined,
      },
      ...(prepared === undefined ? {} : { prepared }),
      problems: output.problems,
      detail: output.detail,
    };
    record.runs.push(r);
    const problems = r.problems.length ? `; PROBLEMS: ${r.problems.join('; ')}` : '';
    log(`  ${(r.elapsedMs / 1000).toFixed(2)} s, ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} rows/s, peak RSS ${rssText(r.peakRssKb)}, CPU s process/Firebird/MySQL/other ${cpuText(r.cpu)}${problems}`);
  }
  record.median = summarize(spec.rows, record.runs);
  if (spec.after && !record.failure) {
    try {
      record.verify = await spec.after();
    } catch (err) {
      record.verify = { ok: false, lines: `verification could not run: ${err instanceof Error ? err.message : String(err)}`, detail: null };
    }
    log(record.verify.lines);
  }
  return record;
}

function failureText(m: Measurement): string {
  const how = m.timedOut ? 'timed out' : m.signal ? `killed by ${m.signal}` : `exit code ${m.exitCode}`;
  const tail = m.stderr.trim().split('\n').slice(-12).join('\n    ');
  // Case children may echo a URI in an error; fbsync masks its own.
  return `${how} after ${(m.wallMs / 1000).toFixed(1)} s${tail ? `:\n    ${tail.replace(/\/\/([^:/@\s]+):[^@/\s]*@/g, '//$1:****@')}` : ''}`;
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  })
  // A driver socket left open by a failed attach must not keep a finished bench alive.
  .finally(() => process.exit());
