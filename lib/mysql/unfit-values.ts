import type { Row, TableSpec } from '../core/table.js';
import { charsetCheck, describeCharacter, firstUnheld, type CharsetCheck } from './charsets.js';
import { tooLong } from './fits.js';

/**
 * Values fbsync refuses before MySQL sees them, where MySQL would not refuse them reliably: text
 * longer than a narrower CHAR or VARCHAR holds (strict mode cuts a value long only by its
 * trailing blanks, with a note), and a character a narrower character set lacks (LOAD DATA and
 * a non-strict session write `?`). Each error looks like the server's own, so the reject file
 * and messages read alike whoever refused the row.
 */
export type UnfitValueCheck = (row: Row) => Error | undefined;

/** The check for `table`'s rows, or undefined when no column is narrower than its source. */
export function unfitValueCheck(table: TableSpec): UnfitValueCheck | undefined {
  const keys = new Set(table.key);
  const charsets: Array<{ index: number; column: string; charset: string; check: CharsetCheck; key: boolean }> = [];
  table.columns.forEach((c, index) => {
    const check = c.narrowCharset === undefined ? undefined : charsetCheck(c.narrowCharset);
    if (check) charsets.push({ index, column: c.target, charset: c.narrowCharset!, check, key: keys.has(index) });
  });
  const long = table.columns.some((c) => c.maxChars !== undefined);
  if (!long && charsets.length === 0) return undefined;
  return (row) => {
    const over = long ? tooLong(table.columns, row) : undefined;
    if (over) {
      const message = `Data too long for column '${over.column}': ${over.chars} characters, the column holds ${over.max}`;
      return serverLike(message, 'ER_DATA_TOO_LONG', 1406, '22001');
    }
    for (const c of charsets) {
      const v = row[c.index];
      if (typeof v !== 'string') continue;
      const at = firstUnheld(c.check, v, c.key);
      if (at < 0) continue;
      const char = describeCharacter(v, at);
      const held = c.key && firstUnheld(c.check, v) < 0;
      const why = held
        ? `${c.charset} orders ${char} unlike Firebird (a key column in ${c.charset} takes only the characters whose byte is their code point)`
        : `character set ${c.charset} has no ${char}`;
      return serverLike(`Incorrect string value for column ${table.target}.${c.column}: ${why}`, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 1366, '22007');
    }
    return undefined;
  };
}

function serverLike(message: string, code: string, errno: number, sqlState: string): Error {
  return Object.assign(new Error(message), { code, errno, sqlState, sqlMessage: message });
}
