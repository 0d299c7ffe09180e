import { FbsyncError } from '../core/errors.js';
import type { FirebirdColumn, FirebirdTable } from '../firebird/metadata.js';
import { addColumnSql, type TableDesign } from '../mysql/ddl.js';
import { misfit, narrower, roundedDigits } from '../mysql/fits.js';
import { quoteMysql, type MysqlTable } from '../mysql/metadata.js';
import { targetColumnName, targetTableName, type NameMapping } from './names.js';
import { checkUniqueKeys } from './unique-keys.js';
import { tableNames } from './column-names.js';
import { checkExtraColumns } from './extra-columns.js';
import { KEY_NOT_ROUNDED, roundingHint, roundsColumn, type RoundToTarget } from './round-to-target.js';
import type { ValueShape } from '../core/shape.js';
import type { ColumnSpec, TableSpec } from '../core/table.js';
import type { ValueKind } from '../core/values.js';

export interface PlanOptions {
  /** Source columns to leave out, by name (case-insensitive). Key columns cannot be left out. */
  excludeColumns?: readonly string[];
  /** MySQL names for Firebird tables and columns; default: the same names. */
  names?: NameMapping;
  /** The MySQL table, overriding `names.table`. */
  targetTable?: string;
  /** MySQL columns for some Firebird columns of the table, overriding `names.column`. */
  columns?: Readonly<Record<string, string>>;
  /**
   * Also refuse existing MySQL columns too small for some source values (shorter text, fewer
   * digits, NOT NULL), as when fbsync manages the schema (`createTables`). Columns that would
   * change values silently (fewer decimals, a case-insensitive key, …) are always refused.
   */
  strict?: boolean;
  /** A DATETIME column of the MySQL table alone, set instead of deleting (see SyncOptions.softDelete). */
  softDelete?: string;
  /**
   * Source columns (`true`: every one) whose existing MySQL column may keep fewer decimals or
   * digits of a second than the source: fbsync then rounds the values as MySQL stores them
   * (ColumnSpec.round) instead of refusing the column. Never a key column.
   */
  roundToTarget?: RoundToTarget;
  /** Source columns added or changed in MySQL first (source-moves.ts): planned as they will be. */
  altered?: readonly string[];
}

/** A source column that will be copied, and the MySQL column it goes to. */
export interface PlannedColumn {
  source: FirebirdColumn & { kind: ValueKind; shape: ValueShape };
  /** MySQL column name. */
  target: string;
}

/** What is copied from a Firebird table, decided from the source alone. */
export interface SourcePlan {
  source: string;
  /** MySQL table name. */
  target: string;
  columns: PlannedColumn[];
  /** Indexes into `columns` of the primary key, in key order. */
  key: number[];
}

/**
 * Chooses the columns of a Firebird table to copy and names their MySQL counterparts. Refused
 * here: a table without a primary key, a key column left out, a column fbsync cannot read
 * exactly (an ARRAY, say) that is not left out, and two columns mapped to one name.
 */
export function planSource(source: FirebirdTable, options: PlanOptions = {}): SourcePlan {
  if (source.key.length === 0) {
    throw new FbsyncError('SOURCE_NO_KEY', `Firebird table ${source.name} has no primary key; fbsync pages through and matches rows by it`, {
      hint: `add one (ALTER TABLE ${source.name} ADD PRIMARY KEY (…)) or leave the table out`,
    });
  }
  const excluded = new Set((options.excludeColumns ?? []).map((c) => c.toUpperCase()));
  for (const k of source.key) {
    if (excluded.has(k.toUpperCase())) {
      throw new FbsyncError('EXCLUDED_KEY', `${source.name}.${k} is part of the primary key and cannot be excluded`);
    }
  }
  const unsupported = unsupportedColumns(source, options.excludeColumns ?? []);
  if (unsupported.length > 0) throw unsupportedError(unsupported);
  const names = tableNames(source, options.names, options.columns, excluded);
  const columns: PlannedColumn[] = [];
  const taken = new Map<string, string>();
  for (const col of source.columns) {
    if (excluded.has(col.name.toUpperCase())) continue;
    const target = targetColumnName(names, source.name, col.name);
    // MySQL column names are case-insensitive.
    const clash = taken.get(target.toLowerCase());
    if (clash) {
      throw new FbsyncError('NAME_MAPPING', `${source.name}.${clash} and ${source.name}.${col.name} would both be MySQL column ${target}`, {
        hint: `map one of them to another name in the table's \`columns\`, or leave one out with \`excludeColumns\``,
        options: ['columns', 'excludeColumns'],
      });
    }
    taken.set(target.toLowerCase(), col.name);
    columns.push({ source: col as PlannedColumn['source'], target });
  }
  return {
    source: source.name,
    target: options.targetTable ?? targetTableName(options.names, source.name),
    columns,
    key: source.key.map((k) => columns.findIndex((c) => c.source.name === k)),
  };
}

/** Columns of `source`, not excluded, that fbsync cannot read exactly. */
export function unsupportedColumns(source: FirebirdTable, excludeColumns: readonly string[]): Array<{ table: string; column: FirebirdColumn }> {
  const excluded = new Set(excludeColumns.map((c) => c.toUpperCase()));
  return source.columns.filter((c) => !c.kind && !excluded.has(c.name.toUpperCase())).map((column) => ({ table: source.name, column }));
}

/** One error naming every such column (of one table or several) and the exclusion that skips them all. */
export function unsupportedError(columns: ReadonlyArray<{ table: string; column: FirebirdColumn }>): FbsyncError {
  const names = columns.map((c) => `${c.table}.${c.column.name}`);
  const reasons = [...new Set(columns.map((c) => c.column.unsupported))].join('; ');
  const list = columns.map((c, i) => `${names[i]} (${c.column.type})`).join(', ');
  return new FbsyncError('UNSUPPORTED_COLUMN', `cannot copy ${list} faithfully: ${reasons}`, {
    hint: `exclude ${columns.length > 1 ? 'them' : 'it'}: add ${names.join(',')} to \`excludeColumns\``,
    options: ['excludeColumns'],
  });
}

/** The MySQL table `createTables` makes for a source plan. */
export function tableDesign(plan: SourcePlan): TableDesign {
  return {
    name: plan.target,
    columns: plan.columns.map(({ source, target }) => ({
      name: target,
      shape: source.shape,
      nullable: source.nullable,
      comment: [source.computed ? `COMPUTED BY, ${source.type}` : source.type, source.domain && `domain ${source.domain}`].filter(Boolean).join(', '),
    })),
    key: plan.key,
  };
}

/**
 * Matches a Firebird table to its MySQL counterpart and decides how every column is copied.
 * Everything that would make the copy wrong is refused here, before a row moves: what
 * `planSource` refuses, a column the target lacks or cannot hold exactly, a target whose unique
 * keys do not match the source's primary key (see checkUniqueKeys), a column of the target's
 * own that every insert would fail on (see checkExtraColumns).
 */
export function planTable(source: FirebirdTable, target: MysqlTable, options: PlanOptions = {}): TableSpec {
  const plan = planSource(source, { ...options, targetTable: options.targetTable ?? target.name });
  const where = `${target.database}.${target.name}`;
  const byName = new Map(target.columns.map((c) => [c.name, c]));
  const byLowerName = new Map(target.columns.map((c) => [c.name.toLowerCase(), c]));
  const keys = new Set(plan.key);
  const columns: ColumnSpec[] = [];
  const misfits: Array<{ column: string; text: string; roundable: boolean }> = [];
  const rounds = roundsColumn(source, options.roundToTarget);
  const altered = new Set(options.altered ?? []);
  plan.columns.forEach(({ source: col, target: name }, i) => {
    const match = byName.get(name) ?? byLowerName.get(name.toLowerCase());
    if (!match && !altered.has(col.name)) {
      throw new FbsyncError('TARGET_COLUMN_MISSING', `MySQL table ${where} has no column ${name} for ${source.name}.${col.name} (${col.type})`, {
        hint: `add it (${addColumnSql(target.name, tableDesign(plan).columns[i]!, { key: keys.has(i) })}), map ${col.name} to a column the table has in \`columns\`, or exclude it: add ${source.name}.${col.name} to \`excludeColumns\``,
        options: ['columns', 'excludeColumns'],
      });
    }
    const as = altered.has(col.name) ? undefined : match;
    const round = as && rounds(col.name) ? roundedDigits(col.shape, as) : undefined;
    const wrong = as && misfit({ shape: col.shape, nullable: col.nullable, key: keys.has(i), round: round !== undefined }, as);
    if (as && wrong && (wrong.severity === 'type' || options.strict)) {
      const key = keys.has(i) && wrong.roundable && options.roundToTarget === true ? `, ${KEY_NOT_ROUNDED}` : '';
      const text = `${as.name} ${as.columnType} ${wrong.reason}${key} (${source.name}.${col.name} is ${col.type}${col.nullable ? '' : ' NOT NULL'})`;
      misfits.push({ column: col.name, text, roundable: Boolean(wrong.roundable) && !keys.has(i) });
    }
    columns.push({
      source: col.name,
      target: match?.name ?? name,
      ...(as ? { targetType: as.columnType } : {}),
      kind: col.kind,
      shape: col.shape,
      sourceType: col.type,
      nullable: col.nullable,
      firebird: { select: col.select, padded: col.padded, blob: col.blob, param: col.param, ...(col.decode ? { decode: col.decode } : {}), ...(col.inline ? { inline: col.inline } : {}) },
      ...(as ? narrower(col.shape, as) : {}),
      ...(round === undefined ? {} : { round }),
    });
  });
  if (misfits.length > 0) {
    const roundable = misfits.filter((m) => m.roundable).map((m) => m.column);
    const change = `change ${misfits.length > 1 ? 'those columns' : 'that column'} (the schema command with \`alter\` prints the ALTER TABLE that would)`;
    throw new FbsyncError('TARGET_COLUMN_TYPE', `MySQL table ${where} cannot hold ${source.name} exactly: ${misfits.map((m) => m.text).join('; ')}`, {
      hint: `${change}${roundable.length > 0 ? `, ${roundingHint(source.name, roundable)},` : ''} or exclude ${misfits.length > 1 ? 'them' : 'it'}: add ${misfits.map((m) => `${source.name}.${m.column}`).join(',')} to \`excludeColumns\``,
      options: roundable.length > 0 ? ['excludeColumns', 'alter', 'roundToTarget'] : ['excludeColumns', 'alter'],
    });
  }
  checkUniqueKeys(target, plan.key.map((i) => columns[i]!.target), source);
  const softDelete = options.softDelete === undefined ? undefined : softDeleteColumn(target, columns, options.softDelete);
  checkExtraColumns(target, columns.map((c) => c.target), softDelete);
  return { source: source.name, target: target.name, columns, key: plan.key, ...(softDelete ? { softDelete } : {}) };
}

/**
 * The target's column for `softDelete`, as MySQL spells it: it must exist, be a DATETIME that
 * may be NULL (NULL is how a row the source has reads), and not be a column the source fills.
 */
function softDeleteColumn(target: MysqlTable, copied: readonly ColumnSpec[], name: string): string {
  const where = `${target.database}.${target.name}`;
  const column = target.columns.find((c) => c.name === name) ?? target.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  const add = `ALTER TABLE ${quoteMysql(target.name)} ADD COLUMN ${quoteMysql(column?.name ?? name)} DATETIME NULL`;
  if (!column) {
    throw new FbsyncError('SOFT_DELETE_COLUMN', `MySQL table ${where} has no column ${name} for \`softDelete\``, { hint: `add it (${add}) or check the spelling`, options: ['softDelete'], value: name });
  }
  const source = copied.find((c) => c.target === column.name);
  if (source) {
    throw new FbsyncError('SOFT_DELETE_COLUMN', `\`softDelete\` names ${where}.${column.name}, which is filled from ${source.source}; the soft-delete column must be the target's own`, {
      hint: `name a column the source does not fill (one added with ALTER TABLE ${quoteMysql(target.name)} ADD COLUMN … DATETIME NULL), or leave ${source.source} out with \`excludeColumns\``,
      options: ['softDelete', 'excludeColumns'],
      value: name,
    });
  }
  if (column.dataType !== 'datetime' || !column.nullable) {
    throw new FbsyncError('SOFT_DELETE_COLUMN', `\`softDelete\` column ${where}.${column.name} is ${column.columnType}${column.nullable ? '' : ' NOT NULL'}; it must be a DATETIME that may be NULL`, {
      hint: `change it (ALTER TABLE ${quoteMysql(target.name)} MODIFY ${quoteMysql(column.name)} DATETIME NULL)`,
      options: ['softDelete'],
      value: name,
    });
  }
  return column.name;
}
