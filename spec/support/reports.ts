import type { SyncReport } from '../../lib/sync/options.js';

/** A table's report with every count 0 and nothing special, but for `more`. */
export function syncReport(table: string, more: Partial<SyncReport> = {}): SyncReport {
  return {
    table,
    target: table,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    rejected: 0,
    dryRun: false,
    resumedAfter: null,
    interrupted: false,
    elapsedMs: 0,
    rowsPerSecond: 0,
    ...more,
  };
}
