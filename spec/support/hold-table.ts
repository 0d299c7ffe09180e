/**
 * A run that takes a table's lock and then holds it forever, for a spec to kill: syncs the
 * table named by FBSYNC_TABLE from FBSYNC_FROM to FBSYNC_TO through a stage that never hands
 * its first page on, and prints `holding` once that page arrives (the lock is taken before any
 * page is read). Run with `node --import tsx spec/support/hold-table.ts`.
 */
import { syncTable } from '../../lib/sync/sync-table.js';
import type { Page } from '../../lib/core/page.js';

const never = (_page: Page) =>
  new Promise<Page>(() => {
    process.stdout.write('holding\n');
    // Keeps the process alive: a pending promise alone would let it exit.
    setInterval(() => undefined, 60_000);
  });

await syncTable({ from: process.env.FBSYNC_FROM!, to: process.env.FBSYNC_TO!, table: process.env.FBSYNC_TABLE!, transforms: [never] });
