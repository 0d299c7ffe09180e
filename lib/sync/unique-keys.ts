import { FbsyncError } from '../core/errors.js';
import type { FirebirdTable } from '../firebird/metadata.js';
import { quoteMysql, type MysqlTable } from '../mysql/metadata.js';

/**
 * The target must have a PRIMARY KEY or UNIQUE index on exactly the source's key columns:
 * without one, ON DUPLICATE KEY UPDATE would only ever append. And every other unique key must
 * contain those columns: a PRIMARY KEY on part of them, or a UNIQUE index on other columns, lets
 * a source row meet a target row with another key there, and the upsert would then overwrite
 * that row (two source rows end as one) where it should fail.
 */
export function checkUniqueKeys(target: MysqlTable, key: readonly string[], source: FirebirdTable): void {
  const where = `${target.database}.${target.name}`;
  const lower = (cols: readonly string[]) => cols.map((c) => c.toLowerCase());
  const wanted = new Set(lower(key));
  const cols = key.join(', ');
  // The source's names too, where the mapping changed them.
  const same = cols === source.key.join(', ');
  const forSource = same ? "the source's primary key" : `for ${source.name}'s primary key (${source.key.join(', ')})`;
  const holdsKey = (u: { columns: readonly string[] }) => {
    const has = new Set(lower(u.columns));
    return [...wanted].every((c) => has.has(c));
  };
  const onKey = target.uniqueKeys.some((u) => u.columns.length === wanted.size && holdsKey(u));
  const primary = target.uniqueKeys.some((u) => u.name === 'PRIMARY');
  if (!onKey) {
    throw new FbsyncError('TARGET_NO_KEY', `MySQL table ${where} has no PRIMARY KEY or UNIQUE index on (${cols}), ${forSource}`, {
      hint: `add one (ALTER TABLE ${target.name} ${primary ? 'DROP PRIMARY KEY, ' : ''}ADD PRIMARY KEY (${cols})); without it upserts would duplicate rows`,
    });
  }
  const others = target.uniqueKeys.filter((u) => !holdsKey(u));
  if (others.length > 0) {
    const named = others.map((u) => `${u.name === 'PRIMARY' ? 'PRIMARY KEY' : `UNIQUE index ${u.name}`} (${u.columns.join(', ')})`);
    const fixes = others.map((u) => (u.name === 'PRIMARY' ? `DROP PRIMARY KEY, ADD PRIMARY KEY (${key.map(quoteMysql).join(', ')})` : `DROP INDEX ${quoteMysql(u.name)}, ADD INDEX ${quoteMysql(u.name)} (${u.columns.map(quoteMysql).join(', ')})`));
    throw new FbsyncError(
      'TARGET_OTHER_KEY',
      `MySQL table ${where} has ${named.join(' and ')}, which ${others.length > 1 ? 'do' : 'does'} not hold all of ${same ? `${forSource} (${cols})` : `(${cols}), ${forSource}`}: an upsert would overwrite a target row of another key that shares those values, and two source rows would end as one`,
      { hint: `make the source's key the only unique one (ALTER TABLE ${target.name} ${fixes.join(', ')}), or sync into a table of its own` },
    );
  }
}
