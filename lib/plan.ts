import { FbsyncError } from './errors.js';
import type { FirebirdTable } from './firebird/metadata.js';
import type { MysqlTable } from './mysql/metadata.js';
import type { ColumnSpec, TableSpec } from './table.js';

export interface PlanOptions {
  /** Source columns to leave out, by name (case-insensitive). Key columns cannot be left out. */
  excludeColumns?: readonly string[];
}

/**
 * Matches a Firebird table to its MySQL counterpart and decides how every column is copied.
 * Everything that would make the copy wrong is refused here, before a row moves: a missing
 * key, a column fbsync cannot read exactly, a column the target lacks, a target without a
 * unique key on the source's primary key (ON DUPLICATE KEY UPDATE would then only append).
 */
export function planTable(source: FirebirdTable, target: MysqlTable, options: PlanOptions = {}): TableSpec {
  const where = `${target.database}.${target.name}`;
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
  const targetByName = new Map(target.columns.map((c) => [c.name.toLowerCase(), c]));
  const columns: ColumnSpec[] = [];
  for (const col of source.columns) {
    if (excluded.has(col.name.toUpperCase())) continue;
    if (!col.kind) {
      throw new FbsyncError('UNSUPPORTED_COLUMN', `cannot copy ${source.name}.${col.name} (${col.type}) faithfully: ${col.unsupported}`, {
        hint: `exclude it with --exclude-columns ${source.name}.${col.name}`,
      });
    }
    const match = targetByName.get(col.name.toLowerCase());
    if (!match) {
      throw new FbsyncError('TARGET_COLUMN_MISSING', `MySQL table ${where} has no column ${col.name} for ${source.name}.${col.name} (${col.type})`, {
        hint: `add it (ALTER TABLE ${target.name} ADD COLUMN …) or exclude it with --exclude-columns ${source.name}.${col.name}`,
      });
    }
    columns.push({
      source: col.name,
      target: match.name,
      kind: col.kind,
      sourceType: col.type,
      nullable: col.nullable,
      firebird: { select: col.select, padded: col.padded, blob: col.blob },
    });
  }
  const key = source.key.map((k) => columns.findIndex((c) => c.source === k));
  const targetKey = key.map((i) => columns[i]!.target.toLowerCase()).sort();
  const unique = target.uniqueKeys.some((cols) => {
    const sorted = cols.map((c) => c.toLowerCase()).sort();
    return sorted.length === targetKey.length && sorted.every((c, i) => c === targetKey[i]);
  });
  if (!unique) {
    const cols = key.map((i) => columns[i]!.target).join(', ');
    throw new FbsyncError('TARGET_NO_KEY', `MySQL table ${where} has no PRIMARY KEY or UNIQUE index on (${cols}), the source's primary key`, {
      hint: `add one (ALTER TABLE ${target.name} ADD PRIMARY KEY (${cols})); without it upserts would duplicate rows`,
    });
  }
  return { source: source.name, target: target.name, columns, key };
}
