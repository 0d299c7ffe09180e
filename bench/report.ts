/**
 * The one table the bench prints: a line per row with the medians, ratios between rows and the
 * individual runs, then the targets (PASS/FAIL), then anything that went wrong and the
 * independent verification.
 */
import type { BenchResults, CaseRecord, Cpu } from './results.js';
import { rssText } from './targets.js';
import { loopbackCase } from './suite.js';

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export function formatReport(results: BenchResults): string {
  const { options: o, environment: e } = results;
  const out: string[] = [];
  out.push(
    `fbsync bench: N = ${num(o.rows)} rows of TB_ESTOQUE, median of ${o.runs} run${o.runs > 1 ? 's' : ''} per row · ` +
      `fbsync ${e.source.commit}${e.source.dirty ? ' + uncommitted lib/bin edits' : ''} · node-firebird: ${e.driver} · Firebird ${e.firebird} · MariaDB/MySQL ${e.mysql} · node ${e.node} · ${e.cpus} CPUs · load average ${e.loadAverageAtStart.toFixed(1)} at start`,
  );
  out.push(`every row runs in its own child process; peak RSS = that process's (${e.rssMethod === 'gnu-time' ? 'GNU time %M, ru_maxrss' : '/proc VmHWM polling'}), 1 MB = 10^6 bytes`);
  out.push('');

  const header = ['#', 'case', 'rows', 'elapsed', 'wall', 'rows/s', 'peak RSS', 'CPU s proc/FB/My/other', 'ratio', 'runs (elapsed / peak RSS)'];
  const lines = results.cases.map((c) => caseLine(c, results.cases));
  out.push(...table([header, ...lines], [false, false, true, true, true, true, true, true, false, false]));
  out.push('');
  out.push('elapsed = the work as the process timed it (fbsync: its --json elapsedMs); wall = spawn to exit; rows/s = rows ÷ median elapsed');
  out.push('CPU = CPU seconds during a run (median) of the measured process / the Firebird server / the MySQL server / anything else on the machine');

  out.push('');
  out.push('targets');
  const width = Math.max(...results.targets.map((t) => t.label.length));
  for (const t of results.targets) {
    const verdict = t.pass === undefined ? 'n/a ' : t.pass ? 'PASS' : 'FAIL';
    out.push(`  ${verdict}  ${t.label.padEnd(width)}  ${t.value}`);
  }

  const notes: string[] = [];
  for (const c of results.cases) {
    if (c.failure) notes.push(`row ${c.number} ${c.label} FAILED: ${c.failure}`);
    for (const r of c.runs) for (const p of r.problems) notes.push(`row ${c.number} run ${r.run}: ${p}`);
  }
  if (notes.length) {
    out.push('');
    out.push('problems');
    out.push(...notes.map((n) => `  ${n}`));
  }
  const verified = results.cases.filter((c) => c.verify);
  if (verified.length) {
    out.push('');
    for (const c of verified) out.push(`after row ${c.number} (${c.label}): ${c.verify!.lines}`);
  }
  return out.join('\n');
}

function caseLine(c: CaseRecord, all: readonly CaseRecord[]): string[] {
  const runs = c.runs.map((r) => `${(r.elapsedMs / 1000).toFixed(2)}s/${rssText(r.peakRssKb).replace(' ', '')}${r.problems.length ? '!' : ''}`).join('  ');
  if (!c.median) return [String(c.number), c.label, num(c.rows), 'FAILED', '', '', '', '', '', runs];
  const m = c.median;
  return [String(c.number), c.label, num(c.rows), secs(m.elapsedMs), secs(m.wallMs), num(m.rowsPerSecond), rssText(m.peakRssKb), cpuText(m.cpu), ratio(c, all), runs];
}

/** `1.6/0.9/0.4/0.0`: CPU seconds of the measured process, Firebird, MySQL and everything else. */
export function cpuText(cpu: Cpu): string {
  return [cpu.childMs, cpu.firebirdMs, cpu.mysqlMs, cpu.otherMs].map((ms) => (ms === undefined ? '?' : (ms / 1000).toFixed(1))).join('/');
}

/** How the row compares with the row it is naturally measured against. */
function ratio(c: CaseRecord, all: readonly CaseRecord[]): string {
  const get = (id: CaseRecord['id']) => all.find((x) => x.id === id)?.median;
  const read = get('raw-read');
  const full = get('full-load');
  const m = c.median!;
  const x = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)}×`;
  switch (c.id) {
    case 'raw-read':
      return 'source ceiling';
    case 'raw-write':
      return read ? `sink ceiling, ${x(m.rowsPerSecond / read.rowsPerSecond)} raw read` : 'sink ceiling';
    case 'baseline':
      return full ? `full load is ${x(full.rowsPerSecond / m.rowsPerSecond)} this` : '';
    case 'full-load':
      return read ? `${x(m.rowsPerSecond / read.rowsPerSecond)} raw read` : '';
    case 'resync-unchanged':
    case 'resync-changed':
    case 'resync-compare-all':
    case 'resync-since':
      return full ? `${x(full.elapsedMs / m.elapsedMs)} faster than full` : '';
    case 'verify-unchanged':
    case 'verify-edited': {
      const all9 = get('resync-compare-all');
      return all9 ? `${x(all9.elapsedMs / m.elapsedMs)} faster than row 9` : '';
    }
    case 'full-load-10x':
      return full ? `${x(m.rowsPerSecond / full.rowsPerSecond)} N's rows/s, RSS ${full.peakRssKb && m.peakRssKb ? x(m.peakRssKb / full.peakRssKb) : '?'}` : '';
    default: {
      // A network row: its speed as a share of the same work on loopback.
      const loopback = get(loopbackCase(c.id));
      return loopback ? `${x(loopback.elapsedMs / m.elapsedMs)} loopback's speed` : '';
    }
  }
}

function table(rows: string[][], rightAligned: boolean[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const render = (r: string[]) =>
    r
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [render(rows[0]!), rule, ...rows.slice(1).map(render)];
}
