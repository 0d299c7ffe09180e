import { FbsyncError } from '../core/errors.js';
import type { FirebirdTable } from '../firebird/metadata.js';

/* `excludeColumns`: which entries apply to a table, and entries that would exclude nothing. */

/**
 * The columns of `table` among `TABLE.COLUMN` entries (names case-insensitive); a bare `COLUMN`
 * applies to every table.
 */
export function excludedColumns(entries: readonly string[], table: string): string[] {
  return entries
    .map((e) => {
      const dot = e.lastIndexOf('.');
      if (dot < 0) return e;
      return e.slice(0, dot).toUpperCase() === table.toUpperCase() ? e.slice(dot + 1) : undefined;
    })
    .filter((c): c is string => Boolean(c));
}

/**
 * Refuses `TABLE.COLUMN` entries naming a column the (synced) table lacks, and bare `COLUMN`
 * entries no synced table has: a misspelt exclusion would otherwise exclude nothing, silently.
 * `gone`: per table, columns the last completed run copied that Firebird has dropped since;
 * excluding one keeps its MySQL column as the target's own (see source-moves.ts), so it is known.
 */
export function checkExclusions(entries: readonly string[], tables: readonly FirebirdTable[], gone: ReadonlyMap<string, readonly string[]> = new Map()): void {
  const has = (t: FirebirdTable, column: string) =>
    t.columns.some((c) => c.name.toUpperCase() === column.toUpperCase()) || (gone.get(t.name) ?? []).some((c) => c.toUpperCase() === column.toUpperCase());
  for (const entry of entries) {
    const dot = entry.lastIndexOf('.');
    if (dot < 0) {
      if (tables.length > 0 && !tables.some((t) => has(t, entry))) {
        throw new FbsyncError('OPTION', `\`excludeColumns\` names ${entry}, but no table synced has such a column`, {
          hint: 'check the spelling, or write it as TABLE.COLUMN',
          options: ['excludeColumns'],
          value: entry,
        });
      }
      continue;
    }
    const table = tables.find((t) => t.name.toUpperCase() === entry.slice(0, dot).toUpperCase());
    if (table && !has(table, entry.slice(dot + 1))) {
      throw new FbsyncError('OPTION', `\`excludeColumns\` names ${entry}, but Firebird table ${table.name} has no column ${entry.slice(dot + 1)}`, {
        hint: 'check the spelling',
        options: ['excludeColumns'],
        value: entry,
      });
    }
  }
}
