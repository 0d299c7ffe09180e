import { FbsyncError } from '../core/errors.js';
import type { FirebirdTable } from '../firebird/metadata.js';
import { withColumns, type NameMapping } from './names.js';

/*
 * A table's own column names (`columns`: Firebird column → MySQL column), over the run's `names`.
 * An entry that would name nothing is refused rather than ignored: a misspelt one would
 * otherwise leave the column under its default name, silently.
 */

/**
 * `names` with the table's `columns` over it, once every entry is checked: it names a column
 * of `source` (as spelt, else case-insensitively), not one left out, and no column twice.
 */
export function tableNames(source: FirebirdTable, names: NameMapping | undefined, columns: Readonly<Record<string, string>> | undefined, excluded: ReadonlySet<string>): NameMapping | undefined {
  if (!columns || Object.keys(columns).length === 0) return names;
  const mapped = new Map<string, string>();
  for (const entry of Object.keys(columns)) {
    const column = source.columns.find((c) => c.name === entry) ?? source.columns.find((c) => c.name.toUpperCase() === entry.toUpperCase());
    if (!column) {
      throw new FbsyncError('OPTION', `\`columns\` of ${source.name} names ${entry}, but Firebird table ${source.name} has no such column`, {
        hint: `check the spelling (its columns: ${source.columns.map((c) => c.name).join(', ')}), or leave the entry out`,
        options: ['columns'],
        value: entry,
      });
    }
    if (excluded.has(column.name.toUpperCase())) {
      throw new FbsyncError('OPTION', `\`columns\` of ${source.name} names ${column.name}, which \`excludeColumns\` leaves out`, {
        hint: `either copy ${source.name}.${column.name} (leave it out of \`excludeColumns\`) or leave its \`columns\` entry out`,
        options: ['columns', 'excludeColumns'],
        value: entry,
      });
    }
    const twice = mapped.get(column.name);
    if (twice !== undefined) {
      throw new FbsyncError('OPTION', `\`columns\` of ${source.name} names ${column.name} twice (${twice} and ${entry})`, {
        hint: 'keep one entry per column',
        options: ['columns'],
        value: entry,
      });
    }
    mapped.set(column.name, entry);
  }
  return withColumns(names, columns);
}
