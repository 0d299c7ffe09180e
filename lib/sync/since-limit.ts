import type { FirebirdDatabase } from '../firebird/connect.js';
import { openWriters, type OpenWriters } from '../firebird/open-writers.js';
import type { Watermark, WatermarkLimit } from '../state/watermark.js';

/**
 * Holds a `sinceColumn` watermark back so that no late commit is lost. Looked at right before
 * the run's snapshot begins, Firebird says the time (`now`) and the oldest transaction open
 * elsewhere that may write. A transaction open when the snapshot begins either was open at
 * that look, so started no later than the oldest, or began after it, so after `now`; its rows
 * are not in the snapshot and their stamps (CURRENT_TIMESTAMP, never before the transaction's
 * start) are at or after the smaller of the two. The watermark left never passes that, so the
 * next run reads them however late they commit. (Looking inside the snapshot instead would miss
 * a transaction that was open at its start and committed before the look.)
 */
export async function limitWatermark(db: FirebirdDatabase, watermark: Watermark): Promise<void> {
  watermark.limit(sinceLimit(await openWriters(db), watermark.overlapSeconds));
}

export function sinceLimit(writers: OpenWriters, overlapSeconds: number): WatermarkLimit {
  if (!writers.sees) {
    return {
      before: writers.now,
      by: `the start of this run at ${writers.now}`,
      note: `cannot see other transactions (user ${writers.user} is not SYSDBA or the owner): watermark held back only by the overlap of ${overlapSeconds} s`,
    };
  }
  const { oldest } = writers;
  if (oldest && oldest.before < writers.now) {
    return { before: oldest.before, by: `transaction ${oldest.id} (attachment ${oldest.attachment}), open since ${oldest.started}, which may still commit rows` };
  }
  return { before: writers.now, by: `the start of this run at ${writers.now}` };
}
