import { FbsyncError } from '../core/errors.js';
import { utf8BytesPerChar } from '../core/shape.js';
import { columnDefinitionSql, mysqlColumnTypes, mysqlType } from '../mysql/ddl.js';
import { charsetHoldsEvery } from '../mysql/charsets.js';
import { isBinaryCollation, misfit } from '../mysql/fits.js';
import { quoteMysql, type MysqlColumn, type MysqlTable } from '../mysql/metadata.js';
import { alteredType } from './alter-types.js';
import { tableDesign, type PlannedColumn, type SourcePlan } from './plan.js';

/** What would make an existing MySQL table hold a source table exactly. */
export interface TableChanges {
  /** Why the table is not exact, one line per column or key, in the words of planning's refusals. */
  reasons: string[];
  /** The clauses of one ALTER TABLE, in order: columns changed, columns added, then keys. */
  clauses: string[];
}

/**
 * Compares an existing MySQL table with what `createTables` would make of the source, as
 * planning does, and says what to change, no more:
 * - MODIFY COLUMN for a column that cannot hold every source value exactly: whatever misfit()
 *   finds, either severity, plus a character set narrower than the source's and a text key
 *   without a binary collation. The new type is fbsync's, widened where the column holds more
 *   (see alteredType); a nullable column stays nullable.
 * - ADD COLUMN for a source column the table lacks, nullable unless a key column: the table's
 *   rows get NULL there until a sync fills it (NOT NULL would give them made-up zeros or blanks,
 *   or fail on a zero date).
 * - The keys planning asks for: a PRIMARY KEY on exactly the source's key, and every other
 *   unique index made a plain one, so that an upsert cannot overwrite another row.
 * - With `softDelete`, that column as a sync needs it: a DATETIME that may be NULL.
 * Columns the source does not have, and other indexes, are left alone.
 */
export function tableChanges(plan: SourcePlan, target: MysqlTable, options: { softDelete?: string } = {}): TableChanges {
  const reasons: string[] = [];
  const modify: string[] = [];
  const add: string[] = [];
  const design = tableDesign(plan);
  const types = designedTypes(plan);
  const keys = new Set(plan.key);
  const byName = new Map(target.columns.map((c) => [c.name, c]));
  const byLowerName = new Map(target.columns.map((c) => [c.name.toLowerCase(), c]));
  const keyNames: string[] = [];
  plan.columns.forEach((planned, i) => {
    const key = keys.has(i);
    const match = byName.get(planned.target) ?? byLowerName.get(planned.target.toLowerCase());
    const { source } = planned;
    const from = `${plan.source}.${source.name} is ${source.type}${source.nullable ? '' : ' NOT NULL'}`;
    if (key) keyNames.push(match?.name ?? planned.target);
    if (!match) {
      reasons.push(`${planned.target} is missing (${from})`);
      add.push(columnDefinitionSql({ ...design.columns[i]!, nullable: !key }, { type: types[i] }));
      return;
    }
    const why = notExact(planned, key, match);
    if (why.length === 0) return;
    reasons.push(`${match.name} ${match.columnType}${match.charset ? ` ${match.charset}` : ''} ${why.join(', and ')} (${from})`);
    const column = { name: match.name, shape: source.shape, nullable: source.nullable || match.nullable };
    modify.push(columnDefinitionSql(column, { type: alteredType(source.shape, types[i]!, match) }));
  });
  // A source column named as the soft-delete column is planning's to refuse, not a column to change twice.
  const filled = plan.columns.some((c) => c.target.toLowerCase() === options.softDelete?.toLowerCase());
  if (options.softDelete !== undefined && !filled) softDeleteChange(target, options.softDelete, reasons, add, modify);
  const keyClauses = keyChanges(target, keyNames, reasons);
  return { reasons, clauses: [...modify.map((d) => `MODIFY COLUMN ${d}`), ...add.map((d) => `ADD COLUMN ${d}`), ...keyClauses] };
}

/** The `softDelete` column, added or made a nullable DATETIME (the target's own; see SyncOptions.softDelete). */
function softDeleteChange(target: MysqlTable, name: string, reasons: string[], add: string[], modify: string[]): void {
  const column = target.columns.find((c) => c.name === name) ?? target.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!column) {
    reasons.push(`${name} is missing (the \`softDelete\` column)`);
    add.push(`${quoteMysql(name)} DATETIME NULL`);
  } else if (column.dataType !== 'datetime' || !column.nullable) {
    reasons.push(`${column.name} ${column.columnType}${column.nullable ? '' : ' NOT NULL'} is not a DATETIME that may be NULL (the \`softDelete\` column)`);
    modify.push(`${quoteMysql(column.name)} DATETIME${column.dataType === 'datetime' && column.fractionDigits ? `(${column.fractionDigits})` : ''} NULL`);
  }
}

/** Every reason a column is not exact, each said once. */
function notExact(planned: PlannedColumn, key: boolean, column: MysqlColumn): string[] {
  const { shape, nullable } = planned.source;
  const why = new Set<string>();
  const wrong = misfit({ shape, nullable, key }, column);
  if (wrong) why.add(wrong.reason);
  if (shape.kind === 'text' && ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext'].includes(column.dataType)) {
    // Planning may accept these (rows with characters the set lacks are rejected); they are still not exact.
    const charset = (column.charset ?? '').toLowerCase();
    if (!charsetHoldsEvery(charset, shape.charset, utf8BytesPerChar(shape.charset))) {
      why.add(`is ${charset || 'of an unknown character set'}, which cannot hold every ${shape.charset} character; use utf8mb4`);
    }
    if (key && !isBinaryCollation(column.collation)) {
      why.add(`is a key column with collation ${column.collation}, under which keys that differ only in case or accents collide: use utf8mb4_bin`);
    }
  }
  return [...why];
}

/** mysqlColumnTypes' choice for the table as `createTables` would make it, else each column's own. */
function designedTypes(plan: SourcePlan): string[] {
  try {
    return mysqlColumnTypes(tableDesign(plan));
  } catch (err) {
    // Too wide or a key too long to create: the existing table may still take each column's type.
    if (!(err instanceof FbsyncError)) throw err;
    const keys = new Set(plan.key);
    return plan.columns.map((c, i) => mysqlType(c.source.shape, { key: keys.has(i) }));
  }
}

/**
 * The key changes checkUniqueKeys (plan.ts) asks for: a PRIMARY KEY on the source's key columns
 * unless a PRIMARY KEY or UNIQUE index already holds exactly them, and no other unique key that
 * lacks one of them. A PRIMARY KEY replaced, and a UNIQUE index that lacks them, become plain
 * indexes of the same columns, so that queries using them keep them.
 */
function keyChanges(target: MysqlTable, key: readonly string[], reasons: string[]): string[] {
  const lower = (cols: readonly string[]) => cols.map((c) => c.toLowerCase());
  const wanted = new Set(lower(key));
  const holdsKey = (u: { columns: readonly string[] }) => {
    const has = new Set(lower(u.columns));
    return [...wanted].every((c) => has.has(c));
  };
  const cols = key.map(quoteMysql).join(', ');
  const primary = target.uniqueKeys.find((u) => u.name === 'PRIMARY');
  const onKey = target.uniqueKeys.some((u) => u.columns.length === wanted.size && holdsKey(u));
  const clauses: string[] = [];
  if (!onKey) reasons.push(`no PRIMARY KEY or UNIQUE index on (${key.join(', ')}), the source's primary key`);
  if (primary && !holdsKey(primary)) reasons.push(`PRIMARY KEY (${primary.columns.join(', ')}) does not hold all of the source's primary key (${key.join(', ')})`);
  if (!onKey || (primary && !holdsKey(primary))) {
    // The old key's columns stay indexed (plainly): queries may use it, and MySQL wants an AUTO_INCREMENT column indexed.
    // (Not when they begin the new key, which serves as their index.)
    const prefix = primary !== undefined && primary.columns.every((c, i) => c.toLowerCase() === key[i]?.toLowerCase());
    const kept = primary && !prefix ? `, ADD INDEX (${primary.columns.map(quoteMysql).join(', ')})` : '';
    clauses.push(primary ? `DROP PRIMARY KEY, ADD PRIMARY KEY (${cols})${kept}` : `ADD PRIMARY KEY (${cols})`);
  }
  for (const u of target.uniqueKeys) {
    if (u.name === 'PRIMARY' || holdsKey(u)) continue;
    reasons.push(`UNIQUE index ${u.name} (${u.columns.join(', ')}) does not hold all of the source's primary key (${key.join(', ')})`);
    clauses.push(`DROP INDEX ${quoteMysql(u.name)}, ADD INDEX ${quoteMysql(u.name)} (${u.columns.map(quoteMysql).join(', ')})`);
  }
  return clauses;
}

/** One ALTER TABLE with every clause, one per line: MySQL rebuilds the table once. */
export function alterTableSql(table: string, clauses: readonly string[]): string {
  return `ALTER TABLE ${quoteMysql(table)}\n  ${clauses.join(',\n  ')}`;
}
