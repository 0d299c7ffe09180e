/**
 * `npx tsx bench/draw-chart.ts RESULTS.json [OUT.svg]`: the chart of a bench's results file
 * (bench/chart.ts), written to OUT.svg or beside the file. The bench writes it itself; this
 * redraws one, e.g. docs/bench.svg from the bench quoted in docs/performance.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { chartPath, renderChart } from './chart.js';
import type { BenchResults } from './results.js';

const [input, output] = process.argv.slice(2);
if (!input) {
  process.stderr.write('usage: npx tsx bench/draw-chart.ts RESULTS.json [OUT.svg]\n');
  process.exit(2);
}
const results = JSON.parse(readFileSync(input, 'utf8')) as BenchResults;
const path = output ?? chartPath(input);
writeFileSync(path, renderChart(results));
process.stdout.write(`${path}\n`);
