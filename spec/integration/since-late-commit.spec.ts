/**
 * Late commits: a transaction on another attachment stamps a row (CURRENT_TIMESTAMP), stays open
 * while a run reads the table, and commits after it. The run's snapshot cannot see the row; the
 * next run must read it, with --since-column (the watermark is held back to before that
 * transaction's start, with no overlap at all) and with --row-versions (the row's record version
 * is no longer the one noted).
 */
import { expect } from 'chai';
import Firebird from 'node-firebird';
import { syncTable, type SyncOptions } from '../../lib/index.js';
import { closeFirebird, openFirebird, type FirebirdDatabase } from '../../lib/firebird/connect.js';
import { estoqueInsertBlock } from '../../scripts/estoque.js';
import { createEstoqueDatabases, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { expectSameRows, firebirdRows, ESTOQUE_SOURCE_SELECT, ESTOQUE_TARGET_SELECT } from '../support/rows.js';
import { createFirebirdUser, type SpecUser } from '../support/users.js';

const ROWS = 200;

/** A read-write transaction on an attachment of its own, as an ERP's would be. */
async function openWriter(fb: FirebirdFixture): Promise<{ db: FirebirdDatabase; tx: Firebird.Transaction }> {
  const db = await openFirebird(fb.uri);
  const tx = await db.transactionAsync({ isolation: Firebird.ISOLATION_READ_COMMITTED });
  return { db, tx };
}

async function quantity(my: MysqlFixture, id: number): Promise<number> {
  const [[q]] = await my.rows(`SELECT QUANTIDADE FROM TB_ESTOQUE WHERE ID_ESTOQUE = ${id}`);
  return Number(q);
}

async function stampOf(fb: FirebirdFixture, id: number): Promise<string> {
  const [[stamp]] = (await firebirdRows(fb, `SELECT CAST(ATUALIZADO_EM AS VARCHAR(24)) FROM TB_ESTOQUE WHERE ID_ESTOQUE = ${id}`)) as string[][];
  return stamp!;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a transaction that commits after a run', function () {
  let fb: FirebirdFixture;
  let my: MysqlFixture;
  let writer: { db: FirebirdDatabase; tx: Firebird.Transaction } | undefined;

  beforeEach(async function () {
    ({ fb, my } = await createEstoqueDatabases(ROWS));
  });

  afterEach(async () => {
    await writer?.tx.rollbackAsync().catch(() => undefined);
    await closeFirebird(writer?.db);
    writer = undefined;
    await fb?.drop();
    await my?.drop();
  });

  describe('--since-column', function () {
    let options: SyncOptions;
    beforeEach(() => {
      // No overlap: what saves the late row must be the watermark held back, not a re-read window.
      options = { from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', sinceColumn: 'ATUALIZADO_EM', sinceOverlapSeconds: 0 };
    });

    it('holds the watermark back to before the open transaction, so the next run reads its row', async function () {
      await syncTable(options);
      writer = await openWriter(fb);
      await writer.tx.queryAsync('UPDATE TB_ESTOQUE SET QUANTIDADE = 4242, ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE = 5');
      await pause(50);
      // Committed meanwhile, and stamped later than the open transaction's row.
      await fb.exec('UPDATE TB_ESTOQUE SET QUANTIDADE = 7, ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE = 7');
      const during = await syncTable(options);
      expect(during).to.include({ updated: 1 });
      expect(await quantity(my, 5)).to.not.equal(4242);
      expect(during.since!.heldBackBy).to.match(/^transaction \d+ \(attachment \d+\), open since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{4}, which may still commit rows$/);

      await writer.tx.commitAsync();
      const late = await stampOf(fb, 5);
      // Left alone, the watermark would be row 7's stamp, past the late row's.
      expect(late < (await stampOf(fb, 7))).to.equal(true);
      expect(during.since!.next! < late).to.equal(true);

      const after = await syncTable(options);
      expect(after.since!.from).to.equal(during.since!.next);
      expect(await quantity(my, 5)).to.equal(4242);
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    });

    it('leaves the latest stamp when no other transaction may write', async function () {
      const first = await syncTable(options);
      await fb.exec('UPDATE TB_ESTOQUE SET ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE = 7');
      const second = await syncTable(options);
      expect(first.since!.heldBackBy).to.equal(undefined);
      expect(second.since).to.deep.equal({ column: 'ATUALIZADO_EM', from: first.since!.next, next: await stampOf(fb, 7) });
    });

    describe('for a Firebird user who is not SYSDBA or the owner', function () {
      let user: SpecUser;
      beforeEach(async () => {
        user = await createFirebirdUser(fb, ['TB_ESTOQUE']);
      });
      afterEach(async () => {
        await user?.drop();
      });

      it('says the other transactions cannot be seen, and holds the watermark back only by the overlap', async function () {
        const as = { ...options, from: user.uri, sinceOverlapSeconds: 5 };
        await syncTable(as);
        writer = await openWriter(fb);
        await writer.tx.queryAsync('UPDATE TB_ESTOQUE SET QUANTIDADE = 4242, ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE = 5');
        await pause(50);
        await fb.exec('UPDATE TB_ESTOQUE SET ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE = 7');
        const during = await syncTable(as);
        expect(during.since!.note).to.equal(`cannot see other transactions (user ${user.name} is not SYSDBA or the owner): watermark held back only by the overlap of 5 s`);
        expect(during.since!.heldBackBy).to.equal(undefined);
        expect(during.since!.next).to.equal(await stampOf(fb, 7));
        // Within the overlap, the late row is still read.
        await writer.tx.commitAsync();
        await syncTable(as);
        expect(await quantity(my, 5)).to.equal(4242);
      });
    });
  });

  describe('--row-versions', function () {
    it('reads the row in the next run: its record version is no longer the one noted', async function () {
      const options: SyncOptions = { from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', rowVersions: true };
      await syncTable(options);
      writer = await openWriter(fb);
      await writer.tx.queryAsync('UPDATE TB_ESTOQUE SET QUANTIDADE = 4242, ATUALIZADO_EM = CURRENT_TIMESTAMP WHERE ID_ESTOQUE = 5');
      await writer.tx.queryAsync(estoqueInsertBlock(ROWS + 1, ROWS + 1));
      const during = await syncTable(options);
      // The snapshot sees neither: the notes keep row 5 at the version it had before.
      expect(during).to.include({ inserted: 0, updated: 0 });
      expect(during.versions).to.deep.equal({ mode: 'compared' });
      expect(await quantity(my, 5)).to.not.equal(4242);

      await writer.tx.commitAsync();
      const after = await syncTable(options);
      expect(after).to.include({ read: ROWS + 1, inserted: 1, updated: 1, unchanged: ROWS - 1 });
      expect(after.versions).to.deep.equal({ mode: 'compared' });
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    });
  });
});
