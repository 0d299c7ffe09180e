import { Transform } from 'node:stream';
import type { ChangeSet } from '../core/change-set.js';
import type { Page } from '../core/page.js';
import type { Row } from '../core/table.js';
import { diffStage, firstRead, type DiffOptions } from './diff.js';

/**
 * Pages whose first target read is started ahead of the diff. Each read costs a round trip to
 * MySQL; read in turn, the diff waits for it on every page, and over a slow link that wait is
 * most of a page's time. One page ahead hides it whenever a page's diff takes longer than a
 * round trip (10,000 rows take 100 ms and more); each one more holds another page's target
 * rows (10-20 MB for 10,000 rows) for a gain only on links slower than that.
 */
export const TARGET_READ_AHEAD = 1;

/**
 * The diff stage with each page's first target read started up to `depth` pages ahead of it:
 * a stream that starts the reads as pages pass, then the diff, which takes them. The stream
 * takes no page while `depth` reads it started wait for the diff, so what is held ahead is
 * bounded by construction: `depth` pages and their target rows (the first read of each, at
 * most `limit` rows; the further slices of a large range are read in turn, as without this).
 *
 * A read ahead sees what a read in turn would. The target ranges of consecutive pages are
 * disjoint (each begins past the last key of the page before, see targetRange; pages read by
 * key ask for their own keys only), so no write this run makes for an earlier page can land in
 * a range read ahead; and the writes of a page were never waited for before the next page's
 * read anyway (the sink commits while the diff goes on). A row another client changes in MySQL
 * after its range was read is the next run's, read ahead or not: the read is only earlier.
 *
 * Place the two stages together, the stream right before the diff, with no stage between them
 * that drops, splits or replaces pages: the diff finds a read by the page it was started for.
 */
export function readAheadStages(options: DiffOptions, depth = TARGET_READ_AHEAD): [Transform, (page: Page) => AsyncGenerator<ChangeSet>] {
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`the reads ahead of the diff must be a positive integer, not ${depth}`);
  const started = new Map<Page, Promise<Row[]>>();
  let resume: (() => void) | undefined;
  const take = (page: Page) => {
    const rows = started.get(page);
    if (!rows) return undefined;
    started.delete(page);
    const go = resume;
    resume = undefined;
    go?.();
    return rows;
  };
  const ahead = new Transform({
    objectMode: true,
    // A page waits upstream until it may be read ahead (no buffer in front), and the pages read
    // ahead wait in this stream's output and the diff's input: with `depth` 1 the pipeline holds
    // as many pages as without the read-ahead, and the target rows of one more.
    writableHighWaterMark: 0,
    readableHighWaterMark: depth,
    transform(page: Page, _encoding, callback) {
      const read = firstRead(options, page);
      if (read) {
        const rows = options.readTarget(read.range, read.limit);
        // Thrown to the diff when it takes the read; a read no page takes (the run failed) is dropped.
        rows.catch(() => undefined);
        started.set(page, rows);
      }
      this.push(page);
      if (started.size < depth) callback();
      else resume = callback;
    },
  });
  return [ahead, diffStage({ ...options, startedRead: take })];
}
