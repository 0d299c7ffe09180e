/**
 * The bench's chart, an SVG written beside its JSON: a bar per row for its rows/s (the median),
 * with the row's ceiling (a dashed line: the raw read for a load, the loopback row for a network
 * row) and its target (a solid tick) marked, as bench/targets.ts states them. A bar is green when
 * it reaches its target, red when not, grey without one. Plain SVG text: no library, no fonts
 * beyond the reader's sans-serif.
 */
import { writeFileSync } from 'node:fs';
import type { BenchResults, CaseRecord } from './results.js';
import { rateMarks, type RateMark } from './targets.js';

/** One bar of the chart. */
export interface ChartBar {
  number: number;
  label: string;
  /** Undefined for a row that failed. */
  rowsPerSecond: number | undefined;
  ceiling?: RateMark;
  target?: RateMark;
}

const WIDTH = 1000;
const LABEL_WIDTH = 360;
const VALUE_WIDTH = 170;
const ROW_HEIGHT = 30;
const TOP = 70;
const BOTTOM = 40;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
const COLOUR = { pass: '#3a9d5d', fail: '#d0533f', none: '#8a94a6', ceiling: '#33415c', target: '#111111', grid: '#e3e6ec' } as const;

/** The bars in the table's order (rows run in that order; 7 last). */
export function chartBars(cases: readonly CaseRecord[]): ChartBar[] {
  const marks = rateMarks(cases);
  return cases.map((c) => ({
    number: c.number,
    label: c.label,
    rowsPerSecond: c.median && !c.failure ? c.median.rowsPerSecond : undefined,
    ...marks.get(c.id),
  }));
}

/** The chart of a bench's results, as SVG text. */
export function renderChart(results: BenchResults): string {
  const bars = chartBars(results.cases);
  const height = TOP + bars.length * ROW_HEIGHT + BOTTOM;
  const top = Math.max(1, ...bars.flatMap((b) => [b.rowsPerSecond ?? 0, b.ceiling?.rowsPerSecond ?? 0, b.target?.rowsPerSecond ?? 0]));
  const step = niceStep(top / 5);
  const max = Math.ceil(top / step) * step;
  const x = (rate: number) => LABEL_WIDTH + (rate / max) * PLOT_WIDTH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  const e = results.environment;
  out.push(text(12, 22, `fbsync bench: rows/s, median of ${results.options.runs} run${results.options.runs === 1 ? '' : 's'} per row, N = ${num(results.options.rows)}`, { weight: 'bold', size: 14 }));
  out.push(text(12, 40, `${results.startedAt.slice(0, 10)} · fbsync ${e.source.commit}${e.source.dirty ? ' (dirty)' : ''} · node ${e.node} · ${e.cpus} CPUs · load ${e.loadAverageAtStart.toFixed(1)} at start`, { fill: '#555555' }));
  out.push(legend(WIDTH - 12, 22));
  for (let v = 0; v <= max; v += step) {
    out.push(`<line x1="${fx(x(v))}" y1="${TOP - 6}" x2="${fx(x(v))}" y2="${height - BOTTOM + 4}" stroke="${COLOUR.grid}"/>`);
    out.push(text(x(v), height - BOTTOM + 18, short(v), { anchor: 'middle', fill: '#555555' }));
  }
  out.push(text(LABEL_WIDTH + PLOT_WIDTH / 2, height - 6, 'rows per second', { anchor: 'middle', fill: '#555555' }));
  bars.forEach((bar, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const mid = y + ROW_HEIGHT / 2;
    out.push(text(LABEL_WIDTH - 8, mid + 4, `${bar.number} · ${clip(bar.label, 48)}`, { anchor: 'end' }));
    if (bar.rowsPerSecond === undefined) {
      out.push(text(LABEL_WIDTH + 4, mid + 4, 'failed', { fill: COLOUR.fail }));
      return;
    }
    const pass = bar.target === undefined ? undefined : bar.rowsPerSecond >= bar.target.rowsPerSecond;
    const fill = pass === undefined ? COLOUR.none : pass ? COLOUR.pass : COLOUR.fail;
    out.push(`<rect x="${LABEL_WIDTH}" y="${y + 6}" width="${fx(x(bar.rowsPerSecond) - LABEL_WIDTH)}" height="${ROW_HEIGHT - 12}" fill="${fill}"><title>${escape(`${bar.label}: ${num(bar.rowsPerSecond)} rows/s`)}</title></rect>`);
    if (bar.ceiling) out.push(mark(x(bar.ceiling.rowsPerSecond), y + 2, y + ROW_HEIGHT - 2, COLOUR.ceiling, true, `ceiling (${bar.ceiling.label}): ${num(bar.ceiling.rowsPerSecond)} rows/s`));
    if (bar.target) out.push(mark(x(bar.target.rowsPerSecond), y + 2, y + ROW_HEIGHT - 2, COLOUR.target, false, `target (${bar.target.label}): ${num(bar.target.rowsPerSecond)} rows/s`));
    const verdict = pass === undefined ? '' : `${pass ? ' ✓' : ' ✗'} (≥ ${kilo(bar.target!.rowsPerSecond)})`;
    out.push(text(LABEL_WIDTH + PLOT_WIDTH + 8, mid + 4, `${num(bar.rowsPerSecond)}${verdict}`, { fill: pass === false ? COLOUR.fail : '#222222' }));
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** bench/results/X.json → bench/results/X.svg */
export function chartPath(jsonPath: string): string {
  return jsonPath.replace(/(\.json)?$/, '.svg');
}

/** Writes the chart beside the results file; returns its path. */
export function writeChart(jsonPath: string, results: BenchResults): string {
  const path = chartPath(jsonPath);
  writeFileSync(path, renderChart(results));
  return path;
}

function legend(right: number, y: number): string {
  const items: string[] = [];
  let at = right;
  const entry = (label: string, draw: (x: number) => string) => {
    at -= label.length * 6.6 + 8;
    items.unshift(`${draw(at - 24)}${text(at - 4, y + 4, label)}`);
    at -= 30;
  };
  entry('target', (x) => mark(x + 7, y - 7, y + 7, COLOUR.target, false));
  entry('ceiling', (x) => mark(x + 7, y - 7, y + 7, COLOUR.ceiling, true));
  entry('below target', (x) => `<rect x="${x}" y="${y - 6}" width="14" height="12" fill="${COLOUR.fail}"/>`);
  entry('at target', (x) => `<rect x="${x}" y="${y - 6}" width="14" height="12" fill="${COLOUR.pass}"/>`);
  return items.join('');
}

function mark(x: number, y1: number, y2: number, colour: string, dashed: boolean, title?: string): string {
  const style = dashed ? ` stroke-dasharray="4 3" stroke-width="2"` : ` stroke-width="3"`;
  const tip = title ? `<title>${escape(title)}</title>` : '';
  return `<line x1="${fx(x)}" y1="${y1}" x2="${fx(x)}" y2="${y2}" stroke="${colour}"${style}>${tip}</line>`;
}

function text(x: number, y: number, content: string, o: { anchor?: 'start' | 'middle' | 'end'; fill?: string; weight?: string; size?: number } = {}): string {
  const attrs = [`x="${fx(x)}"`, `y="${fx(y)}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.fill) attrs.push(`fill="${o.fill}"`);
  if (o.weight) attrs.push(`font-weight="${o.weight}"`);
  if (o.size) attrs.push(`font-size="${o.size}"`);
  return `<text ${attrs.join(' ')}>${escape(content)}</text>`;
}

/** 1, 2 or 5 × a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

function short(v: number): string {
  return v >= 1_000_000 ? `${v / 1_000_000}M` : v >= 1000 ? `${v / 1000}k` : String(v);
}

/** 178,120 → 178k */
function kilo(v: number): string {
  return v >= 1000 ? `${Math.round(v / 1000)}k` : String(Math.round(v));
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const fx = (n: number) => String(Math.round(n * 10) / 10);

export function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
