/**
 * `softDelete` against real servers: with `delete`, a target row the source lost gets the run's
 * time in a DATETIME column of the target's own instead of being deleted; a row that comes
 * back has it cleared; later runs leave rows already marked alone.
 */
import { expect } from 'chai';
import { FbsyncError, syncTable, type SyncOptions, type SyncReport } from '../../lib/index.js';
import { createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { ensureBuilt, fbsync } from '../support/cli.js';
import { ITEMS_FIREBIRD_DDL, ids, sourceItems } from '../support/items.js';
import { watchWrites } from '../support/rows.js';

const ITEMS_WITH_MARK = 'CREATE TABLE ITEMS (ID INT NOT NULL PRIMARY KEY, NAME VARCHAR(20), deleted_at DATETIME NULL)';

describe('soft deletes (softDelete)', function () {
  this.timeout(60_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  beforeEach(async () => {
    fb = await createFirebirdDatabase();
    my = await createMysqlDatabase();
    await fb.exec(ITEMS_FIREBIRD_DDL);
    await sourceItems(fb, ids(1, 10));
  });
  afterEach(async () => {
    await fb?.drop();
    await my?.drop();
  });

  const sync = (options: Partial<SyncOptions> = {}): Promise<SyncReport> =>
    syncTable({ from: fb.uri, to: my.uri, table: 'ITEMS', delete: true, softDelete: 'deleted_at', ...options });
  /** [ID, deleted_at] of every target row. */
  const marks = async () => (await my.rows('SELECT ID, deleted_at FROM ITEMS ORDER BY ID')).map(([id, at]) => [Number(id), at]);
  const failure = (run: Promise<unknown>) =>
    run.then(
      () => expect.fail('the sync should have been refused'),
      (e: unknown) => e as FbsyncError,
    );

  describe('over a target with its own DATETIME column', () => {
    beforeEach(async () => {
      await my.exec(ITEMS_WITH_MARK);
      expect(await sync()).to.include({ inserted: 10, deleted: 0 });
    });

    it('sets the column of rows the source lost to the run’s time, without a zone, and deletes nothing', async () => {
      await fb.exec('DELETE FROM ITEMS WHERE ID IN (2, 3)');
      const before = new Date();
      before.setMilliseconds(0);
      const report = await sync();
      expect(report).to.include({ read: 8, deleted: 2, inserted: 0, updated: 0, unchanged: 8 });
      const rows = await marks();
      expect(rows).to.have.length(10);
      const [at2, at3] = [rows[1]![1], rows[2]![1]];
      expect(at2).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/).and.equal(at3);
      const at = new Date(String(at2).replace(' ', 'T'));
      expect(at.getTime()).to.be.at.least(before.getTime() - 1000).and.at.most(Date.now());
      expect(rows.filter(([, mark]) => mark !== null).map(([id]) => id)).to.deep.equal([2, 3]);
    });

    it('on the next run leaves rows already marked alone: no delete counted, nothing written', async () => {
      await fb.exec('DELETE FROM ITEMS WHERE ID IN (2, 3)');
      await sync();
      const marked = await marks();
      const writes = await watchWrites(my, 'ITEMS');
      const report = await sync();
      expect(report).to.include({ read: 8, deleted: 0, inserted: 0, updated: 0, unchanged: 8 });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
      expect(await marks()).to.deep.equal(marked);
    });

    it('clears the column of a row that comes back, counting it as updated', async () => {
      await fb.exec('DELETE FROM ITEMS WHERE ID IN (2, 3)');
      await sync();
      await sourceItems(fb, [2]);
      const report = await sync();
      expect(report).to.include({ read: 9, deleted: 0, inserted: 0, updated: 1 });
      const rows = await marks();
      expect(rows.filter(([, mark]) => mark !== null).map(([id]) => id)).to.deep.equal([3]);
    });

    it('with rowVersions, marks the rows gone, reads by version after that, and clears a row that comes back', async () => {
      await sync({ rowVersions: true });
      await fb.exec('DELETE FROM ITEMS WHERE ID IN (4, 5)');
      expect(await sync({ rowVersions: true })).to.deep.include({ deleted: 2, versions: { mode: 'compared' } });
      // Marked rows are not counted as the target's: the notes still describe it.
      expect(await sync({ rowVersions: true })).to.deep.include({ deleted: 0, updated: 0, versions: { mode: 'compared' } });
      await sourceItems(fb, [5]);
      expect(await sync({ rowVersions: true })).to.deep.include({ deleted: 0, updated: 1, versions: { mode: 'compared' } });
      const rows = await marks();
      expect(rows).to.have.length(10);
      expect(rows.filter(([, mark]) => mark !== null).map(([id]) => id)).to.deep.equal([4]);
    });

    it('is guarded like deletes: an emptied source marks nothing', async () => {
      await fb.exec('DELETE FROM ITEMS');
      const err = await failure(sync());
      expect(err.code).to.equal('DELETE_GUARD');
      expect((await marks()).every(([, mark]) => mark === null)).to.equal(true);
    });

    it('counts only rows not marked for the limit on deletes', async () => {
      await fb.exec('DELETE FROM ITEMS WHERE ID <= 4');
      await sync();
      // 6 live rows: 3 more marked is half of them, within the default; 4 would not be.
      await fb.exec('DELETE FROM ITEMS WHERE ID <= 8');
      const err = await failure(sync());
      expect(err.code).to.equal('DELETE_GUARD');
      expect(err.message).to.contain('at least 4 of the 6 rows');
    });
  });

  describe('refuses, naming the table and the column,', () => {
    it('a column the target lacks', async () => {
      await my.exec('CREATE TABLE ITEMS (ID INT NOT NULL PRIMARY KEY, NAME VARCHAR(20))');
      const err = await failure(sync());
      expect(err.code).to.equal('SOFT_DELETE_COLUMN');
      expect(err.message).to.contain(`MySQL table ${my.database}.ITEMS has no column deleted_at`).and.contain('DATETIME NULL');
    });

    it('a column that is not a DATETIME, or may not be NULL', async () => {
      await my.exec('CREATE TABLE ITEMS (ID INT NOT NULL PRIMARY KEY, NAME VARCHAR(20), deleted_at VARCHAR(20))');
      expect((await failure(sync())).message).to.contain(`column ${my.database}.ITEMS.deleted_at is varchar(20); it must be a DATETIME that may be NULL`);
      await my.exec('ALTER TABLE ITEMS MODIFY deleted_at DATETIME NOT NULL');
      expect((await failure(sync())).message).to.contain('is datetime NOT NULL');
    });

    it('a column the source fills', async () => {
      await my.exec('CREATE TABLE ITEMS (ID INT NOT NULL PRIMARY KEY, NAME VARCHAR(20))');
      const err = await failure(sync({ softDelete: 'NAME' }));
      expect(err.message).to.contain(`names ${my.database}.ITEMS.NAME, which is filled from NAME`);
    });

    it('softDelete without delete', async () => {
      await my.exec(ITEMS_WITH_MARK);
      const err = await failure(sync({ delete: false }));
      expect(err.code).to.equal('OPTION');
      expect(err.message).to.contain('goes with `delete`');
    });
  });

  describe('the fbsync command', () => {
    before(() => ensureBuilt());

    it('--soft-delete COLUMN marks the rows the source lost', async () => {
      await my.exec(ITEMS_WITH_MARK);
      const args = ['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'ITEMS', '--delete', '--soft-delete', 'deleted_at'];
      expect((await fbsync(args)).status).to.equal(0);
      await fb.exec('DELETE FROM ITEMS WHERE ID = 7');
      const run = await fbsync(args);
      expect(run.status, run.stderr).to.equal(0);
      expect((await marks()).filter(([, mark]) => mark !== null).map(([id]) => id)).to.deep.equal([7]);
    });

    it('--soft-delete names a column the target lacks by table and column', async () => {
      await my.exec('CREATE TABLE ITEMS (ID INT NOT NULL PRIMARY KEY, NAME VARCHAR(20))');
      const run = await fbsync(['sync', '--from', fb.uri, '--to', my.uri, '--tables', 'ITEMS', '--delete', '--soft-delete', 'gone_at']);
      expect(run.status).to.not.equal(0);
      expect(run.stderr).to.contain(`MySQL table ${my.database}.ITEMS has no column gone_at for --soft-delete`);
    });
  });
});
