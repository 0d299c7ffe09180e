import { FbsyncError } from '../core/errors.js';

/**
 * How Firebird table and column names become MySQL names. Either function may be left out: the
 * name is then kept as Firebird spells it (unquoted Firebird names are upper case). A MySQL
 * table or column is found by the mapped name exactly, else case-insensitively.
 */
export interface NameMapping {
  /** The MySQL table for a Firebird table. */
  table?: (table: string) => string;
  /** The MySQL column for a column of the Firebird table `table`. */
  column?: (column: string, table: string) => string;
}

/** Everything in lower case, as MySQL schemas are usually written. */
export const lowerCaseNames: NameMapping = {
  table: (table) => table.toLowerCase(),
  column: (column) => column.toLowerCase(),
};

/** Everything in upper case. */
export const upperCaseNames: NameMapping = {
  table: (table) => table.toUpperCase(),
  column: (column) => column.toUpperCase(),
};

/** The names as Firebird spells them (what no mapping does; spelt out to override another). */
export const asIsNames: NameMapping = {};

/** The name cases a command line or a job file may choose. */
export const NAME_CASES = ['lower', 'upper', 'as-is'] as const;
export type NameCase = (typeof NAME_CASES)[number];

/** The mapping of a name case. */
export function namesFor(nameCase: NameCase): NameMapping {
  return nameCase === 'lower' ? lowerCaseNames : nameCase === 'upper' ? upperCaseNames : asIsNames;
}

/** MySQL's limit on table and column names. */
const MAX_NAME = 64;

export function targetTableName(names: NameMapping | undefined, table: string): string {
  return checked(names?.table ? names.table(table) : table, `table ${table}`);
}

export function targetColumnName(names: NameMapping | undefined, table: string, column: string): string {
  return checked(names?.column ? names.column(column, table) : column, `column ${table}.${column}`);
}

/**
 * `names`, with some columns of one table named otherwise: `columns` maps a Firebird column
 * (as spelt, else case-insensitively) to its MySQL column.
 */
export function withColumns(names: NameMapping | undefined, columns: Readonly<Record<string, string>>): NameMapping {
  const entries = Object.entries(columns);
  const own = (column: string) => entries.find(([from]) => from === column) ?? entries.find(([from]) => from.toUpperCase() === column.toUpperCase());
  return {
    ...names,
    column: (column, table) => own(column)?.[1] ?? (names?.column ? names.column(column, table) : column),
  };
}

function checked(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) {
    throw new FbsyncError('NAME_MAPPING', `the name mapping gave ${JSON.stringify(name)} for Firebird ${what}`, {
      hint: `map every name to a non-empty string of at most ${MAX_NAME} characters`,
    });
  }
  return name;
}
