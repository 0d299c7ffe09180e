import { FbsyncError } from '../core/errors.js';
import type { Predicate } from '../core/keyset.js';
import { quoteFirebird } from './metadata.js';

/**
 * The rows stamped at or after the watermark, less the overlap. Rows with no stamp at all are
 * read every time: nothing says they did not change.
 */
export function sinceFilter(column: { name: string; kind: 'date' | 'timestamp'; nullable: boolean }, watermark: string, overlapSeconds: number): Predicate {
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

