import { expect } from 'chai';
import { zeroCounts } from '../../lib/core/change-set.js';
import type { TableProgress } from '../../lib/sync/options.js';
import { ProgressTicker } from '../../lib/sync/progress.js';

/** A ticker on a hand-driven clock and timer: `tick()` is one interval passing. */
function ticker(onProgress: (p: TableProgress) => void = () => undefined) {
  const clock = { now: 1000 };
  let fire: (() => void) | undefined;
  let stopped = false;
  const counts = zeroCounts();
  const t = new ProgressTicker({
    table: 'ORDERS',
    target: 'orders',
    counts,
    onProgress,
    started: 1000,
    intervalMs: 2000,
    now: () => clock.now,
    every: (_ms, fn) => {
      fire = fn;
      return () => (stopped = true);
    },
  });
  const tick = () => {
    clock.now += 2000;
    if (!stopped) fire!();
  };
  return { t, counts, tick, get stopped() {
    return stopped;
  } };
}

describe('progress ticker', () => {
  it('reports only when its timer fires, however many rows were tallied meanwhile', () => {
    const seen: TableProgress[] = [];
    const { counts, tick } = ticker((p) => seen.push(p));
    for (let i = 0; i < 100_000; i++) counts.read++;
    expect(seen).to.have.length(0);
    tick();
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include({ table: 'ORDERS', target: 'orders', phase: 'reading', read: 100_000, elapsedMs: 2000, rowsPerSecond: 50_000 });
  });

  it('reports the counts as they are at each tick', () => {
    const seen: TableProgress[] = [];
    const { counts, tick } = ticker((p) => seen.push(p));
    counts.read = 10;
    counts.inserted = 4;
    tick();
    counts.read = 30;
    counts.updated = 2;
    tick();
    expect(seen.map((p) => [p.read, p.inserted, p.updated])).to.deep.equal([
      [10, 4, 0],
      [30, 4, 2],
    ]);
  });

  it('reports `done` once, and stops its timer', () => {
    const seen: TableProgress[] = [];
    const run = ticker((p) => seen.push(p));
    run.counts.read = 5;
    run.t.done();
    run.t.done();
    run.tick();
    expect(run.stopped).to.equal(true);
    expect(seen.map((p) => p.phase)).to.deep.equal(['done']);
  });

  it('carries the estimate once it is known', () => {
    const seen: TableProgress[] = [];
    const { t, tick } = ticker((p) => seen.push(p));
    tick();
    t.estimate = { rows: 5000, from: 'source count' };
    tick();
    expect(seen[0]).to.not.have.property('estimate');
    expect(seen[1]!.estimate).to.deep.equal({ rows: 5000, from: 'source count' });
  });

  it('does not let a listener that throws fail the run', () => {
    const { t, tick } = ticker(() => {
      throw new Error('listener bug');
    });
    expect(() => tick()).to.not.throw();
    expect(() => t.done()).to.not.throw();
  });
});
