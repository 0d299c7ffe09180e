import { expect } from 'chai';
import { DEFAULT_RETRY, retryDelay, retryOptions, withRetry } from '../../lib/util/retry.js';

class Transient extends Error {}
class Permanent extends Error {}

const isTransient = (err: unknown) => err instanceof Transient;
/** Pauses of 0 ms: the specs are about counting, not waiting. */
const fast = { baseMs: 0, maxMs: 0, isTransient };

/** A function that fails with the given errors, one per call, then returns 'done'. */
function failing(...errors: Error[]) {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    const err = errors[calls.length - 1];
    if (err) throw err;
    return 'done';
  };
  return { fn, calls };
}

describe('retry', () => {
  describe('withRetry', () => {
    it('returns the first success without retrying', async () => {
      const { fn, calls } = failing();
      expect(await withRetry(fn, fast)).to.equal('done');
      expect(calls).to.deep.equal([1]);
    });

    it('retries transient errors, passing the attempt number', async () => {
      const { fn, calls } = failing(new Transient('a'), new Transient('b'));
      expect(await withRetry(fn, fast)).to.equal('done');
      expect(calls).to.deep.equal([1, 2, 3]);
    });

    it('throws any other error at once, as it is', async () => {
      const permanent = new Permanent('no');
      const { fn, calls } = failing(new Transient('a'), permanent);
      const err = await withRetry(fn, fast).catch((e: unknown) => e);
      expect(err).to.equal(permanent);
      expect(calls).to.deep.equal([1, 2]);
    });

    it('gives up after `attempts` tries in all, throwing the last error', async () => {
      const last = new Transient('3');
      const { fn, calls } = failing(new Transient('1'), new Transient('2'), last, new Transient('4'));
      const err = await withRetry(fn, { ...fast, attempts: 3 }).catch((e: unknown) => e);
      expect(err).to.equal(last);
      expect(calls).to.deep.equal([1, 2, 3]);
    });

    it('with attempts 1 does not retry at all', async () => {
      const { fn, calls } = failing(new Transient('1'));
      await withRetry(fn, { ...fast, attempts: 1 }).catch(() => undefined);
      expect(calls).to.deep.equal([1]);
    });

    it('tells onRetry the error, the failed attempt and the pause, before each retry', async () => {
      const e1 = new Transient('1');
      const e2 = new Transient('2');
      const { fn } = failing(e1, e2);
      const seen: unknown[] = [];
      await withRetry(fn, { isTransient, baseMs: 2, maxMs: 100, random: () => 0, onRetry: (err, attempt, delayMs) => seen.push([err, attempt, delayMs]) });
      expect(seen).to.deep.equal([
        [e1, 1, 1],
        [e2, 2, 2],
      ]);
    });

    it('actually pauses between attempts', async () => {
      const { fn } = failing(new Transient('1'), new Transient('2'));
      const started = Date.now();
      await withRetry(fn, { isTransient, baseMs: 40, maxMs: 1000, random: () => 0.999 });
      // about 40 + 80 ms (equal jitter with random ≈ 1 is the full ceiling)
      expect(Date.now() - started).to.be.at.least(110);
    });

    it('stops a pause when its signal aborts, and tries no more', async () => {
      const controller = new AbortController();
      const { fn, calls } = failing(new Transient('1'));
      const started = Date.now();
      const run = withRetry(fn, { isTransient, baseMs: 60_000, maxMs: 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      const err = await run.catch((e: unknown) => e);
      expect((err as Error).name).to.equal('AbortError');
      expect(calls).to.deep.equal([1]);
      expect(Date.now() - started).to.be.below(5_000);
    });

    it('does not start when its signal has already aborted', async () => {
      const { fn, calls } = failing();
      const err = await withRetry(fn, { ...fast, signal: AbortSignal.abort(new Error('stopped')) }).catch((e: unknown) => e);
      expect((err as Error).message).to.equal('stopped');
      expect(calls).to.deep.equal([]);
    });

    it('refuses attempts below 1 or not whole, and negative pauses', async () => {
      for (const bad of [{ attempts: 0 }, { attempts: 1.5 }, { baseMs: -1 }, { maxMs: Number.NaN }]) {
        const { fn } = failing();
        const err = await withRetry(fn, { ...fast, ...bad }).catch((e: unknown) => e);
        expect(err, JSON.stringify(bad)).to.be.instanceOf(RangeError);
      }
    });
  });

  describe('retryDelay', () => {
    const options = { baseMs: 100, maxMs: 1000 };

    it('doubles from baseMs, up to maxMs', () => {
      const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, options, () => 0.999999));
      expect(ceilings).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
    });

    it('is never below half its ceiling (equal jitter), so pauses keep growing', () => {
      expect([1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, options, () => 0))).to.deep.equal([50, 100, 200, 400, 500]);
    });

    it('spreads pauses between half and all of the ceiling', () => {
      for (let i = 0; i < 200; i++) {
        const d = retryDelay(3, options);
        expect(d).to.be.within(200, 400);
      }
    });

    it('does not overflow for a huge attempt number', () => {
      expect(retryDelay(10_000, options, () => 0.5)).to.equal(750);
    });
  });

  describe('retryOptions', () => {
    it('fills in the defaults', () => {
      expect(retryOptions()).to.deep.equal(DEFAULT_RETRY);
      expect(retryOptions({ attempts: 3, baseMs: undefined })).to.deep.equal({ ...DEFAULT_RETRY, attempts: 3 });
    });

    it('has defaults that wait some 20 s in all before giving up', () => {
      let total = 0;
      for (let attempt = 1; attempt < DEFAULT_RETRY.attempts; attempt++) total += retryDelay(attempt, DEFAULT_RETRY, () => 0.999999);
      expect(total).to.be.within(15_000, 30_000);
    });
  });
});
