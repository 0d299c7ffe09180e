import { FbsyncError } from '../core/errors.js';
import { quoteMysql, type MysqlTable } from '../mysql/metadata.js';

/**
 * Columns of the MySQL table the source does not fill (the web application's own, say) are left
 * alone: the upsert and LOAD DATA name only the columns fbsync fills, so an insert gives such a
 * column its default (NULL, a DEFAULT, the next AUTO_INCREMENT, a generated value) and an update
 * keeps what it holds. A NOT NULL column without a default would fail every insert, so the table
 * is refused here, before a row moves, naming each such column and the ways out.
 */
export function checkExtraColumns(target: MysqlTable, filled: readonly string[], softDelete?: string): void {
  const taken = new Set([...filled, ...(softDelete === undefined ? [] : [softDelete])].map((c) => c.toLowerCase()));
  const required = target.columns.filter((c) => !taken.has(c.name.toLowerCase()) && !c.nullable && !c.hasDefault && !c.autoIncrement && !c.generated);
  if (required.length === 0) return;
  const where = `${target.database}.${target.name}`;
  const table = quoteMysql(target.name);
  const names = required.map((c) => `${c.name} (${c.columnType} NOT NULL)`).join(', ');
  const one = required.length === 1;
  const example = required[0]!;
  throw new FbsyncError(
    'TARGET_COLUMN_UNFILLED',
    `MySQL table ${where} has ${one ? 'a column' : 'columns'} the source does not fill, NOT NULL and without a default: ${names}; every insert would fail`,
    {
      hint: `give ${one ? 'it' : 'each'} a default (ALTER TABLE ${table} ALTER COLUMN ${quoteMysql(example.name)} SET DEFAULT …), make ${one ? 'it' : 'them'} nullable (ALTER TABLE ${table} MODIFY ${quoteMysql(example.name)} ${example.columnType} NULL), or fill ${one ? 'it' : 'them'} from a source column`,
    },
  );
}
