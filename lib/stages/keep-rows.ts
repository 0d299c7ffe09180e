import { FbsyncError } from '../core/errors.js';
import type { Page } from '../core/page.js';
import { sameKey } from '../core/keyset.js';
import { describeKey, keyKinds, keyOf, type Key, type TableSpec } from '../core/table.js';

/**
 * A sync's own transforms (`transforms`) may change the values of a page's rows, not which rows
 * it holds: what comes after them assumes every row read reaches it in order under its own key.
 * A row left out would be counted unchanged and never copied with `rowVersions` (its version
 * is noted before the transforms), and with `delete` deleted or kept by accident of where it
 * stood in the page (the page's key range ends at its last row); a changed key would update
 * another row. So the transforms are wrapped: each page's keys are noted on the way in and
 * checked on the way out, and a transform that breaks the rule stops the sync, naming the
 * table and the row, before anything of that page is written.
 *
 * Returns the stages to put in the transforms' place; the keys of the pages between them
 * (a few, with the bounded buffers of composeStages) are what it keeps.
 */
export function keepingRows<Stage>(table: TableSpec, transforms: readonly Stage[]): Array<Stage | ((page: Page) => Page)> {
  if (transforms.length === 0) return [];
  const kinds = keyKinds(table);
  const inFlight = new Map<number, Key[]>();
  const note = (page: Page): Page => {
    inFlight.set(page.seq, page.rows.map((row) => keyOf(table, row)));
    return page;
  };
  const check = (page: Page): Page => {
    const keys = inFlight.get(page.seq);
    if (!keys) throw broken(table, `a page came out that fbsync did not read (seq ${page.seq})`);
    inFlight.delete(page.seq);
    if (page.rows.length !== keys.length) throw broken(table, `a page of ${keys.length} rows came out with ${page.rows.length}`);
    for (let i = 0; i < keys.length; i++) {
      const key = keyOf(table, page.rows[i]!);
      if (!sameKey(kinds, key, keys[i]!)) throw broken(table, `${describeKey(table, keys[i]!)} came out as ${describeKey(table, key)}`);
    }
    return page;
  };
  return [note, ...transforms, check];
}

function broken(table: TableSpec, what: string): FbsyncError {
  return new FbsyncError('TRANSFORM', `a transform changed which rows of ${table.source} reach the diff: ${what}`, {
    hint: 'a transform may change the values of rows but must hand on every row of a page, in order, with its key unchanged',
  });
}
