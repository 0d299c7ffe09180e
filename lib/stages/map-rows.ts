import type { Page } from '../core/page.js';
import type { Row } from '../core/table.js';

/**
 * A page stage that rewrites each row, for custom pipelines: masking a column, normalising a
 * code. `fn` gets the row as an object keyed by source column name and returns the (possibly
 * changed) object. Key columns must not change, or the diff can no longer match rows (inside
 * `syncTable`'s `transforms`, a changed key stops the sync with a TRANSFORM error).
 */
export function mapRows(fn: (row: Record<string, unknown>) => Record<string, unknown>): (page: Page) => Page {
  return (page: Page) => ({
    ...page,
    rows: page.rows.map((row) => {
      const obj: Record<string, unknown> = {};
      page.columns.forEach((n, i) => (obj[n] = row[i]));
      const out = fn(obj);
      return page.columns.map((n) => (out[n] ?? null) as Row[number]);
    }),
  });
}
