import { FbsyncError } from '../core/errors.js';
import type { Page } from '../core/page.js';
import { quoteFirebird } from '../firebird/metadata.js';
import type { Predicate } from '../core/keyset.js';
import type { TableSpec } from '../core/table.js';

/** Where each table's watermark is kept, in the target database (same layout as the checkpoints). */
export const WATERMARK_TABLE = 'fbsync_watermarks';

/**
 * How far before the last watermark a run starts reading again. A transaction that stamped a
 * row before the previous run read the table but committed after it would otherwise be missed
 * for good; re-reading a minute costs little, since unchanged rows are only compared.
 */
export const DEFAULT_SINCE_OVERLAP_SECONDS = 60;

/** The column a table's changes are found by. */
export interface SinceColumn {
  /** Index in TableSpec.columns. */
  index: number;
  name: string;
  kind: 'date' | 'timestamp';
  nullable: boolean;
}

/** Finds the column and checks it can serve: a DATE or TIMESTAMP that is copied. */
export function sinceColumn(table: TableSpec, name: string): SinceColumn {
  let index = table.columns.findIndex((c) => c.source === name);
  if (index < 0) index = table.columns.findIndex((c) => c.source.toUpperCase() === name.toUpperCase());
  const column = table.columns[index];
  if (!column) {
    throw new FbsyncError('SINCE_COLUMN', `Firebird table ${table.source} has no column ${name} to find changed rows by (\`sinceColumn\`)`, {
      options: ['sinceColumn'],
      value: name,
      hint: 'name a TIMESTAMP or DATE column the application sets on every insert and update (and do not exclude it)',
    });
  }
  if (column.kind !== 'timestamp' && column.kind !== 'date') {
    throw new FbsyncError('SINCE_COLUMN', `column ${table.source}.${column.source} is ${column.sourceType}, not a TIMESTAMP or DATE, so it cannot say which rows changed (\`sinceColumn\`)`, {
      options: ['sinceColumn'],
      value: name,
      hint: 'name a TIMESTAMP or DATE column the application sets on every insert and update',
    });
  }
  return { index, name: column.source, kind: column.kind, nullable: column.nullable };
}

/**
 * The rows stamped at or after the watermark, less the overlap. Rows with no stamp at all are
 * read every time: nothing says they did not change.
 */
export function sinceFilter(column: SinceColumn, watermark: string, overlapSeconds: number): Predicate {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0) {
    throw new FbsyncError('OPTION', `\`sinceOverlapSeconds\` must be a whole number of seconds ≥ 0, not ${overlapSeconds}`, { options: ['sinceOverlapSeconds'], value: overlapSeconds });
  }
  const c = quoteFirebird(column.name);
  // DATEADD's amount is a literal: a parameter there would have no type for Firebird to infer.
  // The watermark goes as Firebird's own text, which the server reads exactly: to a temporal
  // parameter, node-firebird would pass it as a JS Date, fraction of a second dropped.
  const sql = column.kind === 'date' ? `${c} >= CAST(CAST(? AS VARCHAR(10)) AS DATE)` : `${c} >= DATEADD(SECOND, ${-overlapSeconds}, CAST(CAST(? AS VARCHAR(24)) AS TIMESTAMP))`;
  return { sql: column.nullable ? `(${sql} OR ${c} IS NULL)` : sql, params: [watermark] };
}

/**
 * Keeps the latest stamp among the rows read, which becomes the next run's watermark. Stamps
 * arrive as Firebird's own text (`2026-11-26 01:37:17.4490`, `2026-11-26`), whose order as
 * text is their order in time.
 */
export class WatermarkTracker {
  readonly #index: number;
  #latest: string | null;

  constructor(column: SinceColumn, start: string | null) {
    this.#index = column.index;
    this.#latest = start;
  }

  readonly see = (page: Page): Page => {
    for (const row of page.rows) {
      const v = row[this.#index];
      if (typeof v === 'string' && (this.#latest === null || v > this.#latest)) this.#latest = v;
    }
    return page;
  };

  get latest(): string | null {
    return this.#latest;
  }
}
