import type { Key, Row } from './table.js';

/**
 * One statement's worth of work for the sink. A batch never mixes pages: `seq`, `through` and
 * `pageBatches` say which page it belongs to and how many batches that page produced, so the
 * sink's commits tell exactly when a page is fully written (the checkpoint's low-water mark).
 * A page with nothing to write still yields one empty batch, which the sink commits at once.
 */
export type Batch = (
  | {
      kind: 'upsert';
      rows: Row[];
      /** None of the rows' keys was in the target when the page was compared: they are all inserts. */
      fresh: boolean;
    }
  | { kind: 'delete'; keys: Key[] }
) & {
  table: string;
  /** Estimated bytes of the statement's values (rowBytes), or a bound of them (BatchOptions.maxRowBytes). */
  bytes: number;
  /** The page's position in the run. */
  seq: number;
  /** Key of the page's last source row (null for an empty page). */
  through: Key | null;
  /**
   * Batches the page was split into (this one included); Infinity while more change sets of
   * the page are to come (ChangeSet.more), whose batches then carry the total.
   */
  pageBatches: number;
};

