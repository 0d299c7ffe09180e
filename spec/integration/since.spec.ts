/**
 * --since-column against real servers: a first run reads everything and leaves a watermark in
 * the target; later runs read only rows stamped since, and say so.
 */
import { expect } from 'chai';
import { FbsyncError, syncTable, type SyncOptions } from '../../lib/index.js';
import { estoqueInsertBlock } from '../../scripts/estoque.js';
import { createEstoqueDatabases, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { expectSameRows, firebirdRows, ESTOQUE_SOURCE_SELECT, ESTOQUE_TARGET_SELECT } from '../support/rows.js';

describe('--since-column', function () {
  const ROWS = 3000;
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  let options: SyncOptions;

  before(async function () {
    ({ fb, my } = await createEstoqueDatabases(ROWS));
    // Small pages, so that the changed rows of a later run are scattered over several of them.
    options = { from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', sinceColumn: 'ATUALIZADO_EM', sinceOverlapSeconds: 0, pageSize: 500 };
  });

  after(async () => {
    await fb?.drop();
    await my?.drop();
  });

  it('reads everything the first time and keeps the latest stamp as the watermark', async function () {
    const [[latest]] = (await firebirdRows(fb, 'SELECT CAST(MAX(ATUALIZADO_EM) AS VARCHAR(24)) FROM TB_ESTOQUE')) as string[][];
    const report = await syncTable(options);
    expect(report).to.include({ read: ROWS, inserted: ROWS });
    expect(report.since).to.deep.equal({ column: 'ATUALIZADO_EM', from: null, next: latest });
    expect(await my.rows('SELECT table_name, after_key FROM fbsync_watermarks')).to.deep.equal([['TB_ESTOQUE', JSON.stringify([latest])]]);
  });

  it('then reads only the rows stamped since, inserting and updating exactly those', async function () {
    const [[before]] = await my.rows('SELECT after_key FROM fbsync_watermarks');
    // As an ERP does it: every insert and update stamps the row with the time of the change.
    await fb.exec(
      "UPDATE TB_ESTOQUE SET QUANTIDADE = QUANTIDADE + 1, ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE MOD(ID_ESTOQUE, 300) = 7",
      estoqueInsertBlock(ROWS + 1, ROWS + 5),
      `UPDATE TB_ESTOQUE SET ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE > ${ROWS}`,
    );
    const report = await syncTable(options);
    // 10 updated, 5 inserted, and the row holding the old watermark (read again: >=, not >).
    expect(report).to.include({ read: 16, inserted: 5, updated: 10, unchanged: 1, deleted: 0 });
    expect(report.since!.from).to.equal(JSON.parse(String(before))[0]);
    expect(report.since!.next! > report.since!.from!).to.equal(true);
    expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
  });

  it('reads again the rows stamped within the overlap before the watermark', async function () {
    const report = await syncTable({ ...options, sinceOverlapSeconds: 3600 });
    // The 15 rows stamped a moment ago are within the hour before the watermark; nothing changed.
    expect(report).to.include({ read: 15, inserted: 0, updated: 0, unchanged: 15 });
  });

  it('does not see a change that leaves the stamp alone: that is the contract of the column', async function () {
    await fb.exec('UPDATE TB_ESTOQUE SET QUANTIDADE = 0 WHERE ID_ESTOQUE = 1');
    const report = await syncTable(options);
    expect(report.read).to.be.below(20);
    const [[quantity]] = await my.rows('SELECT QUANTIDADE FROM TB_ESTOQUE WHERE ID_ESTOQUE = 1');
    expect(Number(quantity)).to.not.equal(0);
  });

  it('starts at the watermark to the ten-thousandth of a second, not at its whole second', async function () {
    // Row 1 holds the next watermark, a ten-thousandth of a second before the server's time now
    // (a watermark never passes the start of the run that leaves it); row 2 is stamped a quarter
    // of a second before row 1, in the same second.
    let now = '';
    for (;;) {
      [[now]] = (await firebirdRows(fb, 'SELECT CAST(CURRENT_TIMESTAMP AS VARCHAR(24)) FROM RDB$DATABASE')) as string[][];
      if (Number(now.slice(20)) >= 2600) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const at = (tenThousandths: number) => `${now.slice(0, 20)}${String(Number(now.slice(20)) - tenThousandths).padStart(4, '0')}`;
    await fb.exec(
      `UPDATE TB_ESTOQUE SET ATUALIZADO_EM = TIMESTAMP '${at(1)}' WHERE ID_ESTOQUE = 1`,
      `UPDATE TB_ESTOQUE SET ATUALIZADO_EM = TIMESTAMP '${at(2501)}' WHERE ID_ESTOQUE = 2`,
    );
    expect((await syncTable(options)).since!.next).to.equal(at(1));
    const report = await syncTable(options);
    expect(report).to.include({ read: 1, unchanged: 1 });
  });

  it('refuses delete, since deleted rows leave no stamp behind', async function () {
    const err = await syncTable({ ...options, delete: true }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FbsyncError).with.property('code', 'OPTION');
    expect((err as Error).message).to.match(/^`sinceColumn` .* cannot see deleted rows .*`delete`/);
    expect((err as FbsyncError).options).to.deep.equal(['sinceColumn', 'delete']);
  });

  it('refuses a column that is not a TIMESTAMP or DATE, naming the table and the column', async function () {
    const err = await syncTable({ ...options, sinceColumn: 'QUANTIDADE' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FbsyncError).with.property('code', 'SINCE_COLUMN');
    expect((err as Error).message).to.match(/^column TB_ESTOQUE\.QUANTIDADE is NUMERIC\(\d+,\d+\), not a TIMESTAMP or DATE/);
  });

  it('refuses a column the table does not have', async function () {
    const err = await syncTable({ ...options, sinceColumn: 'ALTERADO_EM' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FbsyncError).with.property('code', 'SINCE_COLUMN');
    expect((err as Error).message).to.include('Firebird table TB_ESTOQUE has no column ALTERADO_EM');
  });
});
