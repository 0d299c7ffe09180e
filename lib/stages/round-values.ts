import type { Page } from '../core/page.js';
import { roundValue } from '../core/rounding.js';
import type { TableSpec } from '../core/table.js';

/**
 * The stage that cuts source values to what their MySQL columns keep (ColumnSpec.round, from
 * `roundToTarget`), placed just before the diff so that the diff compares, and the sink writes,
 * the values as MySQL stores them, whatever the transforms before it did. None when no column
 * is rounded. Key columns are never rounded (planning refuses that), so rows keep their keys.
 */
export function roundingStages(table: TableSpec): Array<(page: Page) => Page> {
  const rounded = table.columns.flatMap((c, i) => (c.round === undefined ? [] : [{ i, kind: c.kind, digits: c.round }]));
  if (rounded.length === 0) return [];
  return [
    (page) => {
      for (const row of page.rows) {
        for (const { i, kind, digits } of rounded) row[i] = roundValue(kind, row[i] ?? null, digits);
      }
      return page;
    },
  ];
}
