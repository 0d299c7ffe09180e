import type { ServerInfo } from './connect.js';
import { quoteMysql } from './metadata.js';
import type { TableSpec } from '../core/table.js';

/**
 * The statements the sink sends, spelled for the server at hand. MySQL 8.0.20 deprecated
 * `VALUES(col)` inside ON DUPLICATE KEY UPDATE in favour of a row alias (available from
 * 8.0.19); MariaDB never adopted the alias and keeps `VALUES(col)`.
 */
export interface Statements {
  /** Multi-row upsert; the single `?` takes an array of row arrays (mysql2 expands it). */
  upsert: string;
  /**
   * Multi-key delete; the single `?` takes an array of key arrays. With `softDelete`, an UPDATE
   * that marks the rows instead, whose first `?` takes the run's time.
   */
  delete: string;
}

export function usesRowAlias(server: Pick<ServerInfo, 'flavor' | 'version'>): boolean {
  if (server.flavor !== 'mysql') return false;
  const [major = 0, minor = 0, patch = 0] = server.version.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  return major > 8 || (major === 8 && (minor > 0 || patch >= 19));
}

export function statementsFor(table: TableSpec, server: Pick<ServerInfo, 'flavor' | 'version'>): Statements {
  const name = quoteMysql(table.target);
  const cols = table.columns.map((c) => quoteMysql(c.target));
  const keyCols = table.key.map((i) => cols[i]!);
  const alias = usesRowAlias(server);
  const keySet = new Set(table.key);
  let assignments = table.columns
    .map((_, i) => i)
    .filter((i) => !keySet.has(i))
    .map((i) => `${cols[i]} = ${alias ? `_new.${cols[i]}` : `VALUES(${cols[i]})`}`);
  // A table that is all key has nothing to update; a no-op keeps the statement an upsert.
  if (assignments.length === 0) assignments = [`${keyCols[0]} = ${keyCols[0]}`];
  // A row the source has is not deleted: an upsert clears the mark of a row that came back.
  const soft = table.softDelete === undefined ? undefined : quoteMysql(table.softDelete);
  if (soft) assignments = [...assignments, `${soft} = NULL`];
  const upsert =
    `INSERT INTO ${name} (${cols.join(', ')}) VALUES ?` +
    `${alias ? ' AS _new' : ''} ON DUPLICATE KEY UPDATE ${assignments.join(', ')}`;
  const keyList = keyCols.length === 1 ? keyCols[0]! : `(${keyCols.join(', ')})`;
  // mysql2 renders [[1],[2]] as (1), (2), which is also a valid IN list for a single column.
  const del = soft ? `UPDATE ${name} SET ${soft} = ? WHERE ${keyList} IN (?) AND ${soft} IS NULL` : `DELETE FROM ${name} WHERE ${keyList} IN (?)`;
  return { upsert, delete: del };
}
