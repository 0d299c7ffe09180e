import { FbsyncError } from '../core/errors.js';
import type { FirebirdTable } from '../firebird/metadata.js';
import { addColumnSql, modifyColumnSql } from '../mysql/ddl.js';
import { misfit } from '../mysql/fits.js';
import { quoteMysql, type MysqlColumn, type MysqlTable } from '../mysql/metadata.js';
import { declaredType, type RememberedColumn } from '../state/source-columns.js';
import { planSource, tableDesign, type PlanOptions } from './plan.js';

/*
 * When the source schema moves: a Firebird table compared with its MySQL table and with what the
 * last completed run copied (state/source-columns.ts). An extra MySQL column is legal (the
 * target's own), and so is a narrower one on an adopted table; what the memory tells apart is a
 * column Firebird dropped, or widened since, from one that was always so.
 */

/** A column to add to the MySQL table, or to change, and the statement that does it. */
export interface ColumnAlter {
  /** Firebird column. */
  source: string;
  /** MySQL column. */
  target: string;
  sql: string;
  /** Why, in words (for the refusal). */
  why: string;
}

export interface SourceMoves {
  /** Source columns the MySQL table lacks (with or without memory). */
  add: ColumnAlter[];
  /** Columns whose declared Firebird type changed since the memory, which the MySQL column no longer holds exactly. */
  modify: ColumnAlter[];
  /** Remembered columns Firebird no longer has, whose MySQL column is still there and not left out. */
  gone: Array<{ source: string; target: string }>;
  /** How the source's columns differ from the memory, in words; empty with no memory, or no change. */
  changes: string[];
  /** What a completed run remembers. */
  now: RememberedColumn[];
}

/**
 * Compares a Firebird table with its MySQL table and the memory (null: none, as on a first run
 * or after an older fbsync, when only missing columns can be told). Pure: reads nothing.
 */
export function sourceMoves(source: FirebirdTable, target: MysqlTable, remembered: readonly RememberedColumn[] | null, options: PlanOptions = {}): SourceMoves {
  const plan = planSource(source, { ...options, targetTable: options.targetTable ?? target.name });
  const design = tableDesign(plan);
  const keys = new Set(plan.key);
  const excluded = new Set((options.excludeColumns ?? []).map((c) => c.toUpperCase()));
  const memory = new Map((remembered ?? []).filter((c) => !c.kept).map((c) => [c.source, c]));
  const moves: SourceMoves = { add: [], modify: [], gone: [], changes: [], now: [] };
  plan.columns.forEach(({ source: col, target: name }, i) => {
    const type = declaredType(col);
    const was = memory.get(col.name);
    const match = findColumn(target, name);
    moves.now.push({ source: col.name, sourceType: type, target: match?.name ?? name });
    if (remembered) {
      if (!was) moves.changes.push(`${col.name} is new`);
      else if (was.sourceType !== type) moves.changes.push(`${col.name} was ${was.sourceType}, is ${type}`);
      else if (was.target.toLowerCase() !== (match?.name ?? name).toLowerCase()) moves.changes.push(`${col.name} goes to MySQL column ${match?.name ?? name}, not ${was.target}`);
    }
    const key = keys.has(i);
    if (!match) {
      moves.add.push({ source: col.name, target: name, sql: addColumnSql(target.name, design.columns[i]!, { key }), why: `MySQL table ${target.database}.${target.name} has no column ${name} for ${source.name}.${col.name} (${col.type})` });
      return;
    }
    if (!was || was.sourceType === type) return;
    const wrong = misfit({ shape: col.shape, nullable: col.nullable, key }, match);
    if (!wrong) return;
    moves.modify.push({
      source: col.name,
      target: match.name,
      sql: modifyColumnSql(target.name, { ...design.columns[i]!, name: match.name }, { key }),
      why: `${source.name}.${col.name} is ${type} now (${was.sourceType} when last synced), and MySQL column ${match.name} ${match.columnType} ${wrong.reason}`,
    });
  });
  for (const old of remembered ?? []) {
    if (source.columns.some((c) => c.name === old.source)) {
      if (!old.kept && !plan.columns.some((c) => c.source.name === old.source)) moves.changes.push(`${old.source} is left out`);
      continue;
    }
    const stays = findColumn(target, old.target) !== undefined;
    if (!old.kept) moves.changes.push(`${old.source} was dropped`);
    if (stays && excluded.has(old.source.toUpperCase())) moves.now.push({ ...old, kept: true });
    else if (stays) moves.gone.push({ source: old.source, target: findColumn(target, old.target)!.name });
  }
  return moves;
}

/** The MySQL column of that name: exactly, else case-insensitively (MySQL column names are). */
function findColumn(table: MysqlTable, name: string): MysqlColumn | undefined {
  return table.columns.find((c) => c.name === name) ?? table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** The statements that make the MySQL table hold the source again, in column order: additions, then changes. */
export function alterStatements(moves: SourceMoves): string[] {
  return [...moves.add, ...moves.modify].map((a) => a.sql);
}

/**
 * Why the table cannot be synced as it stands, or undefined: a column Firebird dropped (never
 * dropped in MySQL by fbsync), and without `createTables` a column to add or widen. The
 * statements that would fix it are in the message. SOURCE_MOVED when the memory tells of a
 * change; TARGET_COLUMN_MISSING for a missing column alone without memory.
 */
export function movesRefusal(source: string, target: MysqlTable, moves: SourceMoves, options: { createTables?: boolean; remembered: boolean }): FbsyncError | undefined {
  const where = `${target.database}.${target.name}`;
  const alters = options.createTables ? [] : [...moves.add, ...moves.modify];
  if (moves.gone.length === 0 && alters.length === 0) return undefined;
  const problems: string[] = [];
  const hints: string[] = [];
  const named = ['excludeColumns', ...(alters.length > 0 ? ['createTables'] : [])];
  if (moves.gone.length > 0) {
    const columns = moves.gone.map((g) => `${g.source} (MySQL column ${g.target})`).join(', ');
    problems.push(`Firebird table ${source} no longer has ${moves.gone.length > 1 ? 'columns' : 'column'} ${columns}, which the last sync copied, and MySQL table ${where} still has ${moves.gone.length > 1 ? 'them' : 'it'}; fbsync never drops a MySQL column`);
    const drop = `ALTER TABLE ${quoteMysql(target.name)} ${moves.gone.map((g) => `DROP COLUMN ${quoteMysql(g.target)}`).join(', ')}`;
    hints.push(`drop ${moves.gone.length > 1 ? 'them' : 'it'} yourself (${drop}), or keep ${moves.gone.length > 1 ? 'them' : 'it'} as the target's own: add ${moves.gone.map((g) => `${source}.${g.source}`).join(',')} to \`excludeColumns\``);
  }
  if (alters.length > 0) {
    problems.push(alters.map((a) => a.why).join('; '));
    const missing = alters.filter((a) => moves.add.includes(a)).map((a) => a.source);
    const map = missing.length > 0 ? `, map ${missing.join(', ')} to ${missing.length > 1 ? 'columns' : 'a column'} the table has in \`columns\`` : '';
    hints.push(`run ${alters.map((a) => a.sql).join('; ')} (or have ${alters.length > 1 ? 'them' : 'it'} run, and every row filled, with \`createTables\`)${map}, or exclude ${alters.length > 1 ? 'them' : 'it'}: add ${alters.map((a) => `${source}.${a.source}`).join(',')} to \`excludeColumns\``);
    if (missing.length > 0) named.push('columns');
  }
  const code = options.remembered && (moves.gone.length > 0 || moves.modify.length > 0 || moves.changes.length > 0) ? 'SOURCE_MOVED' : 'TARGET_COLUMN_MISSING';
  return new FbsyncError(code, problems.join('; '), { hint: hints.join('; '), options: named });
}
