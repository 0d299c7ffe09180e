import type { Row, TableSpec } from '../table.js';
import { quoteMysql } from './metadata.js';

/**
 * `LOAD DATA LOCAL INFILE` for rows the target does not have yet: MariaDB spends about a third
 * less CPU parsing tab-separated lines than a multi-value INSERT of the same rows, which is
 * what a full load into an empty table is bound by on a small machine (see the README's
 * performance section).
 *
 * LOCAL makes the server treat bad data as IGNORE would — a value too long is cut, a
 * duplicate key skipped, each with a warning instead of an error — so the sink runs it in a
 * transaction and rolls back on any warning, then writes the batch with the ordinary upsert,
 * which names the rows MySQL refuses. The file is never on disk: mysql2 sends the bytes
 * handed to `infileStreamFactory`, whatever file name the statement gives.
 */
export interface LoadStatement {
  sql: string;
  /** The rows as the statement's lines, or undefined when a value cannot be put in one. */
  lines(rows: readonly Row[]): Buffer | undefined;
}

export function loadStatementFor(table: TableSpec): LoadStatement {
  const binary = table.columns.map((c) => c.kind === 'binary');
  // Binary columns travel as hex through a user variable: raw bytes would be read as utf8mb4.
  const fields = table.columns.map((c, i) => (binary[i] ? `@b${i}` : quoteMysql(c.target)));
  const sets = table.columns.flatMap((c, i) => (binary[i] ? [`${quoteMysql(c.target)} = UNHEX(@b${i})`] : []));
  const sql =
    `LOAD DATA LOCAL INFILE 'fbsync-rows' INTO TABLE ${quoteMysql(table.target)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${fields.join(', ')})` +
    (sets.length ? ` SET ${sets.join(', ')}` : '');
  return {
    sql,
    lines(rows) {
      let text = '';
      for (const row of rows) {
        for (let i = 0; i < binary.length; i++) {
          const field = loadField(row[i] ?? null, binary[i]!);
          if (field === undefined) return undefined;
          text += i === 0 ? field : `\t${field}`;
        }
        text += '\n';
      }
      return Buffer.from(text, 'utf8');
    },
  };
}

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIALS = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/**
 * One value as a field of a line: `\N` for NULL, escapes for the characters that would end a
 * field or a line, 1/0 for booleans, hex for binary columns. Undefined for a value the column
 * cannot take this way (a Buffer in a text column), which sends the batch the INSERT way.
 */
export function loadField(value: Row[number], binary: boolean): string | undefined {
  if (value === null) return '\\N';
  if (binary) return Buffer.isBuffer(value) ? value.toString('hex') : undefined;
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return undefined;
}
