/**
 * Row 1, the source ceiling: node-firebird alone reads all of TB_ESTOQUE in keyset pages of
 * 10,000 rows inside one read-only snapshot transaction, as fbsync's source does — the same
 * select list (fbsync's own description of the table), prepared statements, fetches sized to
 * stay under node's 64 KiB socket reads (lib/firebird/rows.ts) — and does nothing else with the
 * rows: no conversion (WIN1252 text stays bytes), no pipeline.
 * No pipeline can read faster than this.
 */
import Firebird from 'node-firebird';
import { FetchSize, FIRST_FETCH_ROWS, fetchAll } from '../../lib/firebird/rows.js';
import { describeFirebirdTable } from '../../lib/firebird/metadata.js';
import { ESTOQUE_TABLE, FIREBIRD_READ_OPTIONS } from '../estoque.js';
import { runCase } from './child.js';

runCase(async ({ from, pageSize }) => {
  const started = performance.now();
  const db = await Firebird.attachAsync({ ...Firebird.parseConnectionUri(from), ...FIREBIRD_READ_OPTIONS });
  let rows = 0;
  let pages = 0;
  try {
    const tx = await db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
    // fbsync's own select expressions (text as bytes, timestamps as text, …), never a copy of them.
    const { columns } = await describeFirebirdTable(db, ESTOQUE_TABLE);
    const select = `SELECT FIRST ${pageSize} ${columns.map((c) => c.select).join(', ')} FROM "${ESTOQUE_TABLE}"`;
    const first = await tx.newStatementAsync(`${select} ORDER BY "ID_ESTOQUE"`);
    const next = await tx.newStatementAsync(`${select} WHERE "ID_ESTOQUE" > ? ORDER BY "ID_ESTOQUE"`);
    const size = new FetchSize(FIRST_FETCH_ROWS);
    let after: unknown;
    for (;;) {
      const page = after === undefined ? await fetchAll(tx, first, [], size) : await fetchAll(tx, next, [after], size);
      rows += page.length;
      pages++;
      if (page.length < pageSize) break;
      after = page[page.length - 1]![0];
    }
    await tx.commitAsync();
  } finally {
    await db.detachAsync();
  }
  return { rows, elapsedMs: performance.now() - started, pages };
});
