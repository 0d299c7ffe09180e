import { expect } from 'chai';
import type { SyncReport } from '../../lib/sync/options.js';
import { lastSuccessTimes, metricsText } from '../../lib/sync/metrics.js';
import { OUTCOMES, outcomeOf, worstOutcome } from '../../lib/sync/outcome.js';
import { syncReport } from '../support/reports.js';

const report = (table: string, more: Partial<SyncReport> = {}): SyncReport => syncReport(table, { target: table.toLowerCase(), ...more });

const endedAt = new Date('2025-01-02T03:04:05.678Z');
const END = 1735787045;

/** The sample lines of a metric, as `labels value`. */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => l.slice(name.length));
}

describe('metrics', () => {
  const orders = report('ORDERS', { read: 1200, inserted: 200, updated: 10, unchanged: 990, deleted: 3, elapsedMs: 1500 });

  it('gives each table its counts and duration, labelled with its source and target tables', () => {
    const text = metricsText({ reports: [orders], endedAt, elapsedMs: 2000 });
    expect(samples(text, 'fbsync_table_rows_read')).to.deep.equal(['{table="ORDERS",target="orders"} 1200']);
    expect(samples(text, 'fbsync_table_rows_inserted')).to.deep.equal(['{table="ORDERS",target="orders"} 200']);
    expect(samples(text, 'fbsync_table_rows_updated')).to.deep.equal(['{table="ORDERS",target="orders"} 10']);
    expect(samples(text, 'fbsync_table_rows_unchanged')).to.deep.equal(['{table="ORDERS",target="orders"} 990']);
    expect(samples(text, 'fbsync_table_rows_deleted')).to.deep.equal(['{table="ORDERS",target="orders"} 3']);
    expect(samples(text, 'fbsync_table_rows_rejected')).to.deep.equal(['{table="ORDERS",target="orders"} 0']);
    expect(samples(text, 'fbsync_table_duration_seconds')).to.deep.equal(['{table="ORDERS",target="orders"} 1.5']);
    expect(samples(text, 'fbsync_run_duration_seconds')).to.deep.equal([' 2']);
  });

  it('precedes every metric with its HELP and TYPE lines, all gauges', () => {
    const text = metricsText({ reports: [orders], endedAt, elapsedMs: 2000 });
    const names = [...new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => /^\w+/.exec(l)![0]))];
    for (const name of names) {
      const at = text.indexOf(`# HELP ${name} `);
      expect(at, name).to.be.at.least(0);
      expect(text.indexOf(`# TYPE ${name} gauge\n`), name).to.be.above(at);
      expect(text.indexOf(`\n${name}`), name).to.be.above(text.indexOf(`# TYPE ${name} gauge`));
    }
    expect(text.endsWith('\n')).to.equal(true);
  });

  it('sets the outcome of each table and of the run as a state set: 1 for it, 0 for the others', () => {
    const text = metricsText({ reports: [orders, report('ITEMS', { outcome: 'refused' })], endedAt, elapsedMs: 1 });
    expect(samples(text, 'fbsync_table_outcome').filter((s) => s.endsWith(' 1'))).to.deep.equal([
      '{table="ORDERS",target="orders",outcome="synced"} 1',
      '{table="ITEMS",target="items",outcome="refused"} 1',
    ]);
    expect(samples(text, 'fbsync_table_outcome')).to.have.length(2 * OUTCOMES.length);
    expect(samples(text, 'fbsync_run_outcome').filter((s) => s.endsWith(' 1'))).to.deep.equal(['{outcome="refused"} 1']);
  });

  it('reads an outcome the report lacks from its flags', () => {
    expect(outcomeOf(report('A'))).to.equal('synced');
    expect(outcomeOf(report('A', { rejected: 2 }))).to.equal('rejected');
    expect(outcomeOf(report('A', { interrupted: true }))).to.equal('interrupted');
    expect(worstOutcome(['synced', 'failed', 'refused'])).to.equal('failed');
    expect(worstOutcome([])).to.equal('synced');
  });

  it('says the run failed when it failed as a whole', () => {
    const text = metricsText({ reports: [], endedAt, elapsedMs: 1, failed: true });
    expect(samples(text, 'fbsync_run_outcome').filter((s) => s.endsWith(' 1'))).to.deep.equal(['{outcome="failed"} 1']);
  });

  it('stamps the last success of tables that completed, and keeps the earlier one of those that did not', () => {
    const previous = new Map([
      ['ITEMS', { seconds: 1700000000, target: 'items' }],
      ['ORDERS', { seconds: 1700000000, target: 'orders' }],
    ]);
    const text = metricsText({ reports: [orders, report('ITEMS', { outcome: 'failed', error: { message: 'lost' } })], endedAt, elapsedMs: 1, previousSuccess: previous });
    expect(samples(text, 'fbsync_table_last_success_timestamp_seconds')).to.deep.equal([
      '{table="ITEMS",target="items"} 1700000000',
      `{table="ORDERS",target="orders"} ${END}`,
    ]);
  });

  it('reads the last success times back from a file it wrote', () => {
    const text = metricsText({ reports: [orders, report('A "quoted"\\name')], endedAt, elapsedMs: 1 });
    expect(lastSuccessTimes(text)).to.deep.equal(
      new Map([
        ['A "quoted"\\name', { seconds: END, target: 'a "quoted"\\name' }],
        ['ORDERS', { seconds: END, target: 'orders' }],
      ]),
    );
  });

  it('escapes backslashes, quotes and newlines in label values', () => {
    const text = metricsText({ reports: [report('A"B\\C\nD')], endedAt, elapsedMs: 1 });
    expect(samples(text, 'fbsync_table_rows_read')).to.deep.equal(['{table="A\\"B\\\\C\\nD",target="a\\"b\\\\c\\nd"} 0']);
  });

  it('finds no last success in a text without any', () => {
    expect(lastSuccessTimes('')).to.deep.equal(new Map());
    expect(lastSuccessTimes('# HELP x\nsomething_else{table="A"} 3\n')).to.deep.equal(new Map());
  });
});
