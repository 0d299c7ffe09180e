/**
 * The BLOB bench's baseline: node-firebird alone reads a table in keyset pages of 10,000 rows
 * inside one snapshot, every BLOB the driver's way — its id in the row, then the BLOB itself
 * through its own round trips, 1 KiB a round trip (the driver's default `blobReadChunkSize`).
 * That is how fbsync read BLOBs before it read short ones inside the row and long ones 64 KiB
 * at a time. Values are left as the driver hands them (text BLOBs as strings, binary as bytes).
 */
import Firebird from 'node-firebird';
import { FetchSize, FIRST_FETCH_ROWS, fetchAll, readBlob, type BlobFetch } from '../../lib/firebird/rows.js';
import { runCase } from './child.js';

runCase(async ({ from, table, pageSize }) => {
  const started = performance.now();
  const db = await Firebird.attachAsync({ ...Firebird.parseConnectionUri(from), encoding: 'UTF8', blobAsText: true, lowercase_keys: false });
  let rows = 0;
  let bytes = 0;
  try {
    const tx = await db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
    const first = await tx.newStatementAsync(`SELECT FIRST ${pageSize} * FROM "${table}" ORDER BY "ID"`);
    const next = await tx.newStatementAsync(`SELECT FIRST ${pageSize} * FROM "${table}" WHERE "ID" > ? ORDER BY "ID"`);
    const size = new FetchSize(FIRST_FETCH_ROWS);
    let after: unknown;
    for (;;) {
      const page = after === undefined ? await fetchAll(tx, first, [], size) : await fetchAll(tx, next, [after], size);
      for (const row of page) {
        for (let i = 0; i < row.length; i++) {
          if (typeof row[i] === 'function') row[i] = await readBlob(row[i] as BlobFetch);
          const v = row[i];
          bytes += Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v) : 0;
        }
      }
      rows += page.length;
      if (page.length < pageSize) break;
      after = page[page.length - 1]![0];
    }
    await tx.commitAsync();
  } finally {
    await db.detachAsync();
  }
  return { rows, elapsedMs: performance.now() - started, bytes };
});
