import { FbsyncError } from '../core/errors.js';
import type { FirebirdTable } from '../firebird/metadata.js';

/**
 * `roundToTarget`: which source columns fbsync may round to an existing MySQL column that keeps
 * fewer decimals or digits of a second (see roundedDigits in mysql/fits.ts). `true`: every
 * column; a list: those source columns (names case-insensitive). Their values are cut before the
 * diff as MySQL stores them (core/rounding.ts): decimals rounded half away from zero (a carry
 * past the column's integer digits is a rejected row, like any value too big), fractions of a
 * second cut. So a re-sync finds the rows unchanged. Key columns are never rounded.
 */
export type RoundToTarget = boolean | readonly string[];

/**
 * Whether a source column of `source` may be rounded. A listed column the table lacks is refused
 * (a misspelt name would otherwise round nothing, silently), and so is a listed key column:
 * fbsync never rounds a key, since keys that differ only in what MySQL drops would become one row
 * there, and paging reads on after the source's own key.
 */
export function roundsColumn(source: FirebirdTable, option: RoundToTarget | undefined): (column: string) => boolean {
  if (option === undefined || option === false) return () => false;
  if (option === true) return (column) => !source.key.includes(column);
  const listed = new Set(option.map((c) => c.toUpperCase()));
  for (const name of option) {
    const column = source.columns.find((c) => c.name.toUpperCase() === name.toUpperCase());
    if (!column) {
      throw new FbsyncError('OPTION', `\`roundToTarget\` names ${source.name}.${name}, but Firebird table ${source.name} has no column ${name}`, {
        hint: 'check the spelling',
        options: ['roundToTarget'],
        value: name,
      });
    }
    if (source.key.includes(column.name)) throw keyRounded(source.name, column.name);
  }
  return (column) => listed.has(column.toUpperCase());
}

/** The refusal of a key column named in `roundToTarget`. */
function keyRounded(table: string, column: string): FbsyncError {
  return new FbsyncError('OPTION', `\`roundToTarget\` names ${table}.${column}, which is part of the primary key: fbsync never rounds a key column (keys that differ only in what MySQL drops would become one row)`, {
    hint: `leave it out of \`roundToTarget\` and give the MySQL column the source's precision (fbsync schema prints the type)`,
    options: ['roundToTarget'],
    value: column,
  });
}

/** Why a key column whose MySQL column keeps fewer digits stays refused even with `roundToTarget`. */
export const KEY_NOT_ROUNDED = 'and fbsync never rounds a key column';

/** The way out a refusal of roundable columns offers: `roundToTarget`, for those columns. */
export function roundingHint(table: string, columns: readonly string[]): string {
  return `let fbsync round ${columns.map((c) => `${table}.${c}`).join(', ')} as MySQL stores ${columns.length > 1 ? 'them' : 'it'}: \`roundToTarget\``;
}

/** Refuses a `roundToTarget` that is neither true, false nor a list of column names (before connecting). */
export function checkRoundToTarget(option: unknown): void {
  if (option === undefined || typeof option === 'boolean') return;
  if (Array.isArray(option) && option.every((c) => typeof c === 'string' && c.trim() !== '')) return;
  throw new FbsyncError('OPTION', `\`roundToTarget\` must be true, false or a list of source column names, not ${JSON.stringify(option)}`, { options: ['roundToTarget'], value: option });
}
