import type { Predicate } from '../core/keyset.js';
import type { Key, TableSpec } from '../core/table.js';
import type { VersionPick } from '../core/page.js';
import type { RetryOptions } from '../util/retry.js';
import type { FirebirdDatabase } from './connect.js';
import type { KeyList } from './listed-pages.js';
import type { FirebirdRetryEvent } from './retry.js';

/** How FirebirdSource (source.ts) reads a table. */
export interface FirebirdSourceOptions {
  db: FirebirdDatabase;
  table: TableSpec;
  /** Rows per keyset page. */
  pageSize: number;
  /**
   * Bytes of rows a page holds at most (see KeysetPages and PickedPages, PAGE_BYTES): pages of
   * rows with large BLOBs hold fewer rows.
   */
  pageBytes?: number;
  /** Pages read ahead while later stages work (object-mode highWaterMark). Default 2. */
  readAhead?: number;
  /** Start after this key instead of at the beginning (resuming from a checkpoint). */
  after?: Key | null;
  /**
   * A condition every row read must also meet (e.g. `sinceColumn`). Pages then hold the
   * matching rows in key order, scattered over the key space.
   */
  where?: Predicate;
  /**
   * Stop early: the page being read is still delivered, then the stream ends without a final
   * page, so nothing downstream mistakes the unread rest of the table for deleted rows.
   */
  signal?: AbortSignal;
  /**
   * A new attachment, for when the connection of `db` is lost (killed, server restarted,
   * network down). The page under way is then read again, from its first key, on the new
   * attachment and in a new snapshot: rows already delivered come from the old snapshot, the
   * rest from the new one — as if the run had been resumed. The caller owns (and closes) what
   * this returns; the lost attachment is let go here. Without it, a lost connection fails the
   * stream at once.
   */
  reconnect?: () => Promise<FirebirdDatabase>;
  /** Attempts and backoff for reading a page again after a lost connection; see DEFAULT_RETRY. */
  retry?: RetryOptions;
  /** Told about every such retry, e.g. to log it. */
  onRetry?: (event: FirebirdRetryEvent) => void;
  /**
   * Record versions (RDB$RECORD_VERSION) with every page (`Page.versions`). With `pick`, a
   * page first reads only keys and versions, and then only the rows `pick` asks for: rows the
   * last run copied at the same version are never read (see PickedPages).
   */
  versions?: { pick?: VersionPick };
  /**
   * Opens another attachment to the same database, which the source detaches when done. With
   * a version pick, the rows picked are read on it while the snapshot's attachment probes the
   * next page (see SideReader); without it, both queue on the one attachment.
   */
  attachSide?: () => Promise<FirebirdDatabase>;
  /**
   * What to do when Firebird returns keys out of code point order, the order fbsync compares
   * them in: `'required'` (the default) fails with KEY_ORDER, as deletes and record versions
   * depend on it; `'tolerated'` marks the page `unordered` and reads on.
   */
  keyOrder?: 'required' | 'tolerated';
  /** Read only the rows of these keys, in pages of `pageSize` keys (see ListedPages); pages then carry `gone`. */
  keys?: KeyList;
}
