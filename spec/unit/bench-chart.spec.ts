/**
 * The bench's chart (bench/chart.ts) drawn from a small fabricated result: a bar per row at its
 * median rows/s, the ceiling and target bench/targets.ts compares it with, a failed row named.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chartBars, chartPath, renderChart, writeChart } from '../../bench/chart.js';
import type { BenchResults, CaseRecord } from '../../bench/results.js';
import type { CaseId } from '../../bench/suite.js';

const N = 1_000_000;

function row(id: CaseId, number: number, label: string, elapsedMs: number | undefined, rows = N): CaseRecord {
  const median = elapsedMs === undefined ? undefined : { elapsedMs, wallMs: elapsedMs, peakRssKb: 150_000, rowsPerSecond: (rows * 1000) / elapsedMs, cpu: { childMs: 1, firebirdMs: 1, mysqlMs: 1, otherMs: 0 } };
  return { id, number, label, rows, runs: [], median, ...(elapsedMs === undefined ? { failure: 'crashed' } : {}) };
}

function results(cases: CaseRecord[]): BenchResults {
  return {
    startedAt: '2026-12-08T01:00:00.000Z',
    finishedAt: '2026-12-08T01:30:00.000Z',
    options: { rows: N, runs: 3, baselineRows: 20_000, skip10x: true, reuseFixture: false },
    environment: { source: { commit: 'abc1234', dirty: false }, driver: 'speed patch applied', node: 'v20.20.2', cpus: 2, loadAverageAtStart: 0.5, firebird: '3.0.11', mysql: '10.11', rssMethod: 'gnu-time', fixture: 'x' },
    cases,
    targets: [],
  };
}

const sample = () =>
  results([
    row('raw-read', 1, 'raw read', 8000), // 125,000 rows/s
    row('baseline', 3, 'per-row baseline', 2000, 20_000), // 10,000 rows/s
    row('full-load', 4, 'fbsync full load', 10_000), // 100,000 rows/s
    row('resync-unchanged', 5, 'no-change re-sync', 1000),
    row('resync-changed', 6, 'a 1 % re-sync <deletes & all>', 2000),
    row('firebird-link-full-load', 12, 'row 4, Firebird over 20 ms RTT', 12_500), // 80,000 rows/s
    row('mysql-link-full-load', 15, 'row 4, MySQL over 20 ms RTT', undefined),
  ]);

describe('the bench chart', () => {
  it('has a bar per row, in the order the rows ran, at its median rows/s', () => {
    const bars = chartBars(sample().cases);
    expect(bars.map((b) => b.number)).to.deep.equal([1, 3, 4, 5, 6, 12, 15]);
    expect(bars[2]!.rowsPerSecond).to.equal(100_000);
  });

  it("marks a load's ceiling at the raw read, and its target at the highest of its targets", () => {
    const full = chartBars(sample().cases)[2]!;
    expect(full.ceiling).to.deep.equal({ rowsPerSecond: 125_000, label: 'raw read' });
    // 100,000 rows/s, 0.7 × 125,000 = 87,500, 20 × 10,000 = 200,000: the last binds.
    expect(full.target).to.deep.equal({ rowsPerSecond: 200_000, label: '20 × baseline' });
  });

  it("marks a network row's ceiling at its loopback row, and its target at its share of it", () => {
    const link = chartBars(sample().cases)[5]!;
    expect(link.ceiling).to.deep.equal({ rowsPerSecond: 100_000, label: 'loopback' });
    expect(link.target!.rowsPerSecond).to.be.closeTo(75_000, 1e-6);
    expect(link.target!.label).to.equal('0.75 × loopback');
  });

  it('states a target given in elapsed time ("4 × faster than the full load") as rows/s', () => {
    const changed = chartBars(sample().cases)[4]!;
    expect(changed.ceiling).to.equal(undefined);
    expect(changed.target!.rowsPerSecond).to.be.closeTo(400_000, 1e-6);
  });

  it('leaves a row without a median without a bar, and draws nothing against it', () => {
    const bars = chartBars(sample().cases);
    expect(bars[6]!.rowsPerSecond).to.equal(undefined);
    expect(bars[6]!.ceiling).to.equal(undefined);
    expect(renderChart(sample())).to.match(/15 · row 4, MySQL over 20 ms RTT<\/text>\s*<text [^>]*>failed<\/text>/);
  });

  it('draws an SVG document: a bar, a dashed ceiling and a target tick per marked row, labels escaped', () => {
    const svg = renderChart(sample());
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" [^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    expect(svg.match(/<rect [^>]*><title>/g)).to.have.length(6);
    expect(svg.match(/stroke-dasharray="4 3" stroke-width="2"><title>ceiling/g)).to.have.length(2);
    expect(svg.match(/<title>target/g)).to.have.length(4);
    expect(svg).to.include('a 1 % re-sync &lt;deletes &amp; all&gt;');
    expect(svg).not.to.include('<deletes');
  });

  it('colours a bar by its target: reached green, missed red, none grey', () => {
    const svg = renderChart(sample());
    const fill = (label: string) => new RegExp(`fill="(#[0-9a-f]{6})"><title>${label}`).exec(svg)?.[1];
    expect(fill('raw read')).to.equal('#8a94a6');
    expect(fill('row 4, Firebird over 20 ms RTT')).to.equal('#3a9d5d'); // 80,000 ≥ 75,000
    expect(fill('fbsync full load')).to.equal('#d0533f'); // 100,000 < 200,000
  });

  it('is written beside the results file, as .svg', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fbsync-chart-'));
    try {
      const path = writeChart(join(dir, '2026-12-08T01-00-00Z.json'), sample());
      expect(path).to.equal(join(dir, '2026-12-08T01-00-00Z.svg'));
      expect(readFileSync(path, 'utf8')).to.equal(renderChart(sample()));
      expect(chartPath('results')).to.equal('results.svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
