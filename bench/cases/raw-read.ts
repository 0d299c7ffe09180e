/**
 * Row 1, the source ceiling: node-firebird alone reads all of TB_ESTOQUE in keyset pages of
 * 10,000 rows inside one read-only snapshot transaction (as fbsync's source does, with the same
 * select list) and does nothing else with the rows. No pipeline can read faster than this.
 */
import Firebird from 'node-firebird';
import { ESTOQUE_SELECT_LIST, ESTOQUE_TABLE, FIREBIRD_READ_OPTIONS } from '../estoque.js';
import { runCase } from './child.js';

runCase(async ({ from, pageSize }) => {
  const started = performance.now();
  const db = await Firebird.attachAsync({ ...Firebird.parseConnectionUri(from), ...FIREBIRD_READ_OPTIONS });
  let rows = 0;
  let pages = 0;
  try {
    const tx = await db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
    let after: unknown;
    for (;;) {
      const where = after === undefined ? '' : ' WHERE "ID_ESTOQUE" > ?';
      const sql = `SELECT FIRST ${pageSize} ${ESTOQUE_SELECT_LIST} FROM "${ESTOQUE_TABLE}"${where} ORDER BY "ID_ESTOQUE"`;
      const page = await tx.executeAsync<unknown[]>(sql, after === undefined ? [] : [after]);
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
