import { pipeline } from 'node:stream/promises';
import type { SyncOptions, SyncReport } from './options.js';
import { syncStreams } from './streams.js';

/**
 * Syncs one Firebird table into its MySQL counterpart: connects (unless given connections),
 * plans the copy from both schemas, runs its streams (lib/sync/streams.ts) and reports.
 */
export async function syncTable(options: SyncOptions): Promise<SyncReport> {
  const run = await syncStreams(options);
  try {
    await pipeline(run.source, run.stages(...(options.transforms ?? [])), run.sink);
  } catch (err) {
    // The run's own error is the one to report, not what tearing it down met.
    await run.close().catch(() => undefined);
    throw err;
  }
  return run.close();
}
