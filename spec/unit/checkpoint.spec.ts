import { expect } from 'chai';
import { CheckpointTracker } from '../../lib/state/checkpoints.js';
import type { Key } from '../../lib/core/table.js';

/** A committed batch of page `seq` (which has `total` batches and ends at key `last`). */
function batch(seq: number, total: number, last: number | null) {
  return { seq, pageBatches: total, through: last === null ? null : ([last] as Key) };
}

describe('checkpoint tracker', () => {
  it('starts at the key a run resumed after', () => {
    expect(new CheckpointTracker([41]).key).to.deep.equal([41]);
    expect(new CheckpointTracker().key).to.equal(null);
  });

  it('completes a page diffed in several change sets only when the batches of its last one committed', () => {
    const t = new CheckpointTracker();
    expect(t.committed(batch(0, Infinity, 100))).to.equal(false);
    expect(t.committed(batch(0, Infinity, 100))).to.equal(false);
    expect(t.committed(batch(0, 4, 100))).to.equal(false);
    expect(t.key).to.equal(null);
    expect(t.committed(batch(0, 4, 100))).to.equal(true);
    expect(t.key).to.deep.equal([100]);
  });

  it('moves to the last key of a page once all its batches committed', () => {
    const t = new CheckpointTracker();
    expect(t.committed(batch(0, 2, 100))).to.equal(false);
    expect(t.key).to.equal(null);
    expect(t.committed(batch(0, 2, 100))).to.equal(true);
    expect(t.key).to.deep.equal([100]);
  });

  it('never passes a page whose batches are still in flight', () => {
    const t = new CheckpointTracker();
    t.committed(batch(1, 1, 200));
    t.committed(batch(2, 1, 300));
    expect(t.key, 'page 0 has not committed').to.equal(null);
    t.committed(batch(0, 1, 100));
    expect(t.key, 'pages 0-2 are all done now').to.deep.equal([300]);
  });

  it('stops at the first incomplete page', () => {
    const t = new CheckpointTracker();
    t.committed(batch(0, 1, 100));
    t.committed(batch(1, 2, 200));
    t.committed(batch(2, 1, 300));
    expect(t.key).to.deep.equal([100]);
  });

  it('lets an empty final page complete without moving the key', () => {
    const t = new CheckpointTracker();
    t.committed(batch(0, 1, 100));
    expect(t.committed(batch(1, 1, null))).to.equal(false);
    expect(t.key).to.deep.equal([100]);
  });
});
