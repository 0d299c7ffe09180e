import createDebug from 'debug';
import { describeCause } from '../core/errors.js';
import type { Predicate } from '../core/keyset.js';
import { abandonFirebird, closeFirebird, type FirebirdDatabase } from '../firebird/connect.js';
import { countRows } from '../firebird/metadata.js';
import type { TableProgress } from './options.js';

const debug = createDebug('fbsync:progress');

/**
 * The rows a run will read, counted by the source (COUNT(*), with the run's `where`) on an
 * attachment of its own while the run reads on its own: the count never delays the sync, and
 * the run's progress has no estimate until it arrives. Exact, and there from the first run —
 * the long first load is where an estimate matters most — at the cost of one more scan of the
 * table, which Firebird does without sending rows; so it is run only when someone listens
 * (docs/command.md, "Progress"). A count that fails is traced, and the progress goes on without it.
 *
 * `end()` lets go of a count still running when the run is over.
 */
export function countOnTheSide(
  attach: () => Promise<FirebirdDatabase>,
  table: string,
  where: Predicate | undefined,
  found: (estimate: NonNullable<TableProgress['estimate']>) => void,
): { end(): void } {
  let db: FirebirdDatabase | undefined;
  let over = false;
  let counting = true;
  void (async () => {
    try {
      db = await attach();
      if (over) return;
      const rows = await countRows(db, table, where);
      if (!over) found({ rows, from: 'source count' });
      debug('%s: the source counts %d rows', table, rows);
    } catch (err) {
      if (!over) debug('%s: no estimate, counting failed: %s', table, describeCause(err));
    } finally {
      counting = false;
      await closeFirebird(db);
    }
  })();
  return {
    end() {
      over = true;
      // A count still running on a large table is not waited for: its connection is let go.
      if (counting && db) abandonFirebird(db);
    },
  };
}
