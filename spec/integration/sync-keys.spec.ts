/**
 * A sync of listed keys (SyncOptions.keys), what `verify` with `repair` runs, against real
 * servers: only the rows of the listed keys are read and written; a listed row that differs is
 * updated, one missing from the target inserted, one the source no longer has deleted only with
 * `delete` and under `maxDelete` (otherwise counted as extra); unlisted rows are left alone.
 */
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FbsyncError, syncTable, syncTables, type RetryEvent, type SyncOptions, type SyncReport } from '../../lib/index.js';
import type { Page } from '../../lib/core/page.js';
import type { Key } from '../../lib/core/table.js';
import { createEstoqueDatabases, createFirebirdDatabase, createMysqlDatabase, type FirebirdFixture, type MysqlFixture } from '../support/databases.js';
import { TIPOS_ROWS, createTipos } from '../support/every-type.js';
import { ITEMS_FIREBIRD_DDL, ITEMS_MYSQL_DDL, ids, sourceItems, targetItems, targetKeys } from '../support/items.js';
import { ESTOQUE_SOURCE_SELECT, ESTOQUE_TARGET_SELECT, expectSameRows, firebirdRows, watchWrites } from '../support/rows.js';

describe('sync of listed keys (keys)', function () {
  this.timeout(60_000);
  let fb: FirebirdFixture;
  let my: MysqlFixture;

  const sync = (keys: SyncOptions['keys'], options: Partial<SyncOptions> = {}): Promise<SyncReport> => syncTable({ from: fb.uri, to: my.uri, table: 'ITEMS', keys, ...options });
  const names = async () => Object.fromEntries((await my.rows('SELECT ID, NAME FROM ITEMS ORDER BY ID')).map(([id, name]) => [Number(id), name]));
  const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail('the run was not refused'), (e: unknown) => e as FbsyncError);

  describe('on a small table, 20 rows on both sides', () => {
    beforeEach(async () => {
      fb = await createFirebirdDatabase();
      my = await createMysqlDatabase();
      await fb.exec(ITEMS_FIREBIRD_DDL);
      await my.exec(ITEMS_MYSQL_DDL);
      await sourceItems(fb, ids(1, 20));
      await targetItems(my, ids(1, 20));
    });
    afterEach(async () => {
      await fb?.drop();
      await my?.drop();
    });

    it('updates a listed key whose target row differs, writing that row alone', async () => {
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID = 3");
      const writes = await watchWrites(my, 'ITEMS');
      const report = await sync([[3]]);
      expect(report).to.include({ read: 1, updated: 1, inserted: 0, unchanged: 0, deleted: 0 });
      expect(report.keys).to.deep.equal({ listed: 1, extra: 0 });
      expect((await names())[3]).to.equal('item 3');
      // An upsert fires the INSERT trigger and, for an existing row, the UPDATE trigger: one row.
      expect(await writes()).to.deep.equal({ inserts: 1, updates: 1, deletes: 0 });
    });

    it('leaves an unlisted row that differs as it is', async () => {
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID IN (3, 7)");
      await sync([[3]]);
      expect((await names())[7]).to.equal('edited');
    });

    it('reads only the listed rows and writes nothing for listed rows that are equal', async () => {
      const writes = await watchWrites(my, 'ITEMS');
      const report = await sync([[1], [2], [20]]);
      expect(report).to.include({ read: 3, unchanged: 3, updated: 0, inserted: 0 });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    });

    it('inserts a listed key the target lacks', async () => {
      await my.exec('DELETE FROM ITEMS WHERE ID IN (5, 6)');
      const report = await sync([[5]]);
      expect(report).to.include({ read: 1, inserted: 1 });
      expect(await targetKeys(my)).to.deep.equal(ids(1, 20).filter((id) => id !== 6));
    });

    it('without delete, counts a listed key the source no longer has as extra and leaves its target row', async () => {
      await fb.exec('DELETE FROM ITEMS WHERE ID = 9');
      const writes = await watchWrites(my, 'ITEMS');
      const report = await sync([[9]]);
      expect(report).to.include({ read: 0, deleted: 0 });
      expect(report.keys).to.deep.equal({ listed: 1, extra: 1 });
      expect(await targetKeys(my)).to.include(9);
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    });

    it('with delete, deletes a listed key the source no longer has, and no unlisted one', async () => {
      await fb.exec('DELETE FROM ITEMS WHERE ID IN (9, 10)');
      const report = await sync([[9]], { delete: true });
      expect(report).to.include({ deleted: 1 });
      expect(report.keys).to.deep.equal({ listed: 1, extra: 0 });
      expect(await targetKeys(my)).to.deep.equal(ids(1, 20).filter((id) => id !== 9));
    });

    it('with delete, stops at the delete that would pass maxDelete (DELETE_GUARD)', async () => {
      await fb.exec('DELETE FROM ITEMS WHERE ID IN (9, 10, 11)');
      const err = await refusal(sync([[9], [10], [11]], { delete: true, maxDelete: 2 }));
      expect(err).to.be.instanceOf(FbsyncError);
      expect(err.code).to.equal('DELETE_GUARD');
      expect(await targetKeys(my)).to.deep.equal(ids(1, 20));
    });

    it('with delete, refuses before writing when the source table is empty, whatever the keys', async () => {
      await fb.exec('DELETE FROM ITEMS');
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID = 1");
      const err = await refusal(sync([[1], [2]], { delete: true }));
      expect(err.code).to.equal('DELETE_GUARD');
      expect(err.message).to.contain('has no rows');
      expect(await targetKeys(my)).to.deep.equal(ids(1, 20));
    });

    it('with delete and softDelete, marks a listed key the source no longer has instead of deleting it', async () => {
      await my.exec('ALTER TABLE ITEMS ADD COLUMN DELETED_AT DATETIME NULL');
      await fb.exec('DELETE FROM ITEMS WHERE ID IN (9, 10)');
      const report = await sync([[9]], { delete: true, softDelete: 'DELETED_AT' });
      expect(report.deleted).to.equal(1);
      expect(await my.rows('SELECT ID FROM ITEMS WHERE DELETED_AT IS NOT NULL')).to.deep.equal([[9]]);
      expect(await targetKeys(my)).to.deep.equal(ids(1, 20));
    });

    it('does nothing for a listed key neither side has', async () => {
      const writes = await watchWrites(my, 'ITEMS');
      const report = await sync([[999]], { delete: true });
      expect(report).to.include({ read: 0, inserted: 0, updated: 0, deleted: 0 });
      expect(report.keys).to.deep.equal({ listed: 1, extra: 0 });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    });

    it('reads and writes nothing for an empty list', async () => {
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID = 3");
      const report = await sync([], { delete: true });
      expect(report).to.include({ read: 0, inserted: 0, updated: 0, deleted: 0, interrupted: false });
      expect(report.keys).to.deep.equal({ listed: 0, extra: 0 });
      expect((await names())[3]).to.equal('edited');
    });

    it('takes keys from an async iterable, in any order, a key repeated counted once', async () => {
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID IN (4, 15)");
      async function* keys(): AsyncGenerator<Key> {
        yield [15];
        yield [4];
        yield [15];
      }
      const report = await sync(keys());
      expect(report).to.include({ read: 2, updated: 2 });
      expect(report.keys).to.deep.equal({ listed: 2, extra: 0 });
      expect(await names()).to.include({ 4: 'item 4', 15: 'item 15' });
    });

    it('in a dry run, reports what differs and writes nothing', async () => {
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID = 3", 'DELETE FROM ITEMS WHERE ID = 5');
      const writes = await watchWrites(my, 'ITEMS');
      const report = await sync([[3], [5]], { dryRun: true });
      expect(report).to.include({ updated: 1, inserted: 1, dryRun: true });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
    });

    it('takes keys per table in syncTables, from a TableJob', async () => {
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID IN (3, 7)");
      const summary = await syncTables({ from: fb.uri, to: my.uri, tables: [{ name: 'ITEMS', keys: [[7]] }] });
      expect(summary.tables[0]).to.include({ read: 1, updated: 1 });
      expect(await names()).to.include({ 3: 'edited', 7: 'item 7' });
    });

    it('skips a listed row MySQL refuses (within maxErrors) into the reject file, and writes the others', async function () {
      await my.exec('ALTER TABLE ITEMS MODIFY NAME VARCHAR(7)');
      const [[mode]] = await my.rows('SELECT @@GLOBAL.sql_mode');
      if (!String(mode).includes('STRICT')) this.skip(); // only strict mode refuses instead of truncating
      await fb.exec("UPDATE ITEMS SET NAME = 'far too long' WHERE ID = 3", "UPDATE ITEMS SET NAME = 'short' WHERE ID = 4");
      const rejectFile = join(tmpdir(), `fbsync-keys-${my.database}.jsonl`);
      try {
        const report = await sync([[3], [4]], { maxErrors: 1, rejectFile, loadData: false });
        expect(report).to.include({ updated: 2, rejected: 1 });
        const lines = (await readFile(rejectFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { key: unknown });
        expect(lines.map((l) => l.key)).to.deep.equal([{ ID: 3 }]);
        expect((await names())[4]).to.equal('short');
      } finally {
        await rm(rejectFile, { force: true });
      }
    });

    it('keeps the checkpoint an unfinished run left, for that run to resume', async () => {
      await my.exec(
        'CREATE TABLE fbsync_checkpoints (table_name VARCHAR(255) NOT NULL PRIMARY KEY, after_key TEXT NOT NULL, updated_at TIMESTAMP(3) NULL)',
        "INSERT INTO fbsync_checkpoints (table_name, after_key) VALUES ('ITEMS', '[10]')",
        "UPDATE ITEMS SET NAME = 'edited' WHERE ID = 3",
      );
      await sync([[3]]);
      expect(await my.rows('SELECT table_name, after_key FROM fbsync_checkpoints')).to.deep.equal([['ITEMS', '[10]']]);
    });

    it('creates none of the tables a run keeps between runs (checkpoints, columns), only the lock', async () => {
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID = 3");
      await sync([[3]]);
      expect(await my.rows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'fbsync%'")).to.deep.equal([['fbsync_locks']]);
    });

    it('refuses a key of the wrong width with an OPTION error naming keys', async () => {
      const err = await refusal(sync([[1, 2]]));
      expect(err.code).to.equal('OPTION');
      expect(err.options).to.include('keys');
    });

    it('refuses resume: a run of listed keys keeps no checkpoint', async () => {
      const err = await refusal(sync([[1]], { resume: true }));
      expect(err.code).to.equal('OPTION');
      expect(err.options).to.deep.equal(['keys', 'resume']);
      expect(err.message).to.contain('checkpoint');
    });

    it('refuses sinceColumn: the rows are chosen by the keys', async () => {
      const err = await refusal(sync([[1]], { sinceColumn: 'NAME' }));
      expect(err.code).to.equal('OPTION');
      expect(err.options).to.deep.equal(['keys', 'sinceColumn']);
    });

    it('refuses rowVersions, saying the notes are left as they are', async () => {
      const err = await refusal(sync([[1]], { rowVersions: true }));
      expect(err.code).to.equal('OPTION');
      expect(err.options).to.deep.equal(['keys', 'rowVersions']);
      expect(err.message).to.contain('notes are left as they are');
    });

    it('is refused with TABLE_BUSY while another run holds the table', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const holding = new Promise<void>((resolve) => (started = resolve));
      const hold = async (page: Page) => {
        started();
        await held;
        return page;
      };
      const first = sync([[1]], { transforms: [hold] });
      await holding;
      const err = await refusal(sync([[2]]));
      release();
      await first;
      expect(err.code).to.equal('TABLE_BUSY');
    });

    it('leaves notes of versions that a later rowVersions run finds still right: it writes nothing', async () => {
      await syncTable({ from: fb.uri, to: my.uri, table: 'ITEMS', rowVersions: true });
      await my.exec("UPDATE ITEMS SET NAME = 'edited' WHERE ID = 3");
      await sync([[3]]);
      const writes = await watchWrites(my, 'ITEMS');
      const report = await syncTable({ from: fb.uri, to: my.uri, table: 'ITEMS', rowVersions: true });
      expect(report.versions?.mode).to.not.equal('off');
      expect(report).to.include({ inserted: 0, updated: 0 });
      expect(await writes()).to.deep.equal({ inserts: 0, updates: 0, deletes: 0 });
      expect((await names())[3]).to.equal('item 3');
    });
  });

  describe('on a table with a composite text key', () => {
    beforeEach(async () => {
      fb = await createFirebirdDatabase();
      my = await createMysqlDatabase();
      await fb.exec(
        'CREATE TABLE LABELS (CODE VARCHAR(10) NOT NULL, LANG VARCHAR(5) NOT NULL, LABEL VARCHAR(40), PRIMARY KEY (CODE, LANG))',
        "EXECUTE BLOCK AS BEGIN INSERT INTO LABELS VALUES ('a', 'pt', 'um'); INSERT INTO LABELS VALUES ('a', 'en', 'one'); INSERT INTO LABELS VALUES ('b', 'pt', 'dois'); INSERT INTO LABELS VALUES ('ção', 'pt', 'três'); END",
      );
      await my.exec(
        'CREATE TABLE LABELS (CODE VARCHAR(10) COLLATE utf8mb4_bin NOT NULL, LANG VARCHAR(5) COLLATE utf8mb4_bin NOT NULL, LABEL VARCHAR(40), PRIMARY KEY (CODE, LANG))',
        "INSERT INTO LABELS VALUES ('a', 'pt', 'um'), ('a', 'en', 'edited'), ('b', 'pt', 'edited'), ('x', 'en', 'extra')",
      );
    });
    afterEach(async () => {
      await fb?.drop();
      await my?.drop();
    });

    it('repairs the listed keys only: updates, inserts, deletes with delete', async () => {
      const report = await syncTable({ from: fb.uri, to: my.uri, table: 'LABELS', delete: true, keys: [['x', 'en'], ['ção', 'pt'], ['a', 'en']] });
      expect(report).to.include({ read: 2, updated: 1, inserted: 1, deleted: 1 });
      expect(await my.rows('SELECT CODE, LANG, LABEL FROM LABELS ORDER BY CODE, LANG')).to.deep.equal([
        ['a', 'en', 'one'],
        ['a', 'pt', 'um'],
        ['b', 'pt', 'edited'],
        ['ção', 'pt', 'três'],
      ]);
    });
  });

  describe('on the every-type table, BLOBs of several MB included', () => {
    before(async () => {
      fb = await createFirebirdDatabase({ charset: 'UTF8' });
      await createTipos(fb);
      my = await createMysqlDatabase();
      await syncTables({ from: fb.uri, to: my.uri, tables: ['TB_TIPOS'], createTables: true });
    });
    after(async () => {
      await fb?.drop();
      await my?.drop();
    });

    it('repairs edited rows of every listed key and finds the others equal; a full sync then finds nothing to write', async () => {
      await my.exec("UPDATE TB_TIPOS SET BB = X'00' WHERE ID = 8", "UPDATE TB_TIPOS SET BT_UTF8 = 'edited' WHERE ID = 9", "UPDATE TB_TIPOS SET TS = '2001-01-01 00:00:00.0001' WHERE ID = 2");
      const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_TIPOS', keys: ids(1, TIPOS_ROWS).map((id) => [id]) });
      expect(report).to.include({ read: TIPOS_ROWS, updated: 3, inserted: 0, unchanged: TIPOS_ROWS - 3 });
      const again = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_TIPOS', dryRun: true });
      expect(again).to.include({ read: TIPOS_ROWS, unchanged: TIPOS_ROWS });
    });
  });

  describe('on a 100,000-row table', function () {
    this.timeout(180_000);
    before(async () => {
      ({ fb, my } = await createEstoqueDatabases(100_000));
      await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE' });
    });
    after(async () => {
      await fb?.drop();
      await my?.drop();
    });

    it('repairs 25,000 listed keys in pages of pageSize keys, leaving the target equal to the source', async () => {
      await my.exec("UPDATE TB_ESTOQUE SET DESCRICAO = 'edited' WHERE MOD(ID_ESTOQUE, 4) = 0");
      function* keys(): Generator<Key> {
        for (let id = 4; id <= 100_000; id += 4) yield [id];
      }
      let largest = 0;
      const measure = (page: Page) => {
        largest = Math.max(largest, page.rows.length + (page.gone?.length ?? 0));
        return page;
      };
      const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', keys: keys(), pageSize: 2000, transforms: [measure] });
      expect(report).to.include({ read: 25_000, updated: 25_000, inserted: 0, unchanged: 0 });
      expect(report.keys).to.deep.equal({ listed: 25_000, extra: 0 });
      expect(largest).to.equal(2000);
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    });

    it('attaches again when the Firebird connection is lost, reading the lost page of keys again', async () => {
      await my.exec("UPDATE TB_ESTOQUE SET DESCRICAO = 'edited' WHERE MOD(ID_ESTOQUE, 5) = 0");
      function* keys(): Generator<Key> {
        for (let id = 5; id <= 100_000; id += 5) yield [id];
      }
      // What an administrator does to a runaway attachment: every one but the fixture's own goes.
      const killAfterPages = (...pages: number[]) => async (page: Page) => {
        if (pages.includes(page.seq)) await fb.exec('DELETE FROM MON$ATTACHMENTS WHERE MON$ATTACHMENT_ID <> CURRENT_CONNECTION AND MON$SYSTEM_FLAG = 0');
        return page;
      };
      const retries: RetryEvent[] = [];
      const report = await syncTable({
        from: fb.uri,
        to: my.uri,
        table: 'TB_ESTOQUE',
        keys: keys(),
        pageSize: 1000,
        transforms: [killAfterPages(2, 9)],
        retry: { attempts: 8, baseMs: 20, maxMs: 300 },
        onRetry: (e) => retries.push(e),
      });
      expect(retries.map((e) => [e.database, e.operation])).to.deep.equal([
        ['firebird', 'read'],
        ['firebird', 'read'],
      ]);
      expect(report).to.include({ read: 20_000, updated: 20_000, inserted: 0 });
      expect(report.keys).to.deep.equal({ listed: 20_000, extra: 0 });
      expectSameRows(await my.rows(ESTOQUE_TARGET_SELECT), await firebirdRows(fb, ESTOQUE_SOURCE_SELECT), 'TB_ESTOQUE');
    });

    // Last: it leaves rows edited in the target and deleted in the source.
    it('reads a dense page of whole-number keys as one range, and still writes only the listed rows', async () => {
      await my.exec("UPDATE TB_ESTOQUE SET DESCRICAO = 'edited' WHERE ID_ESTOQUE BETWEEN 30001 AND 70000");
      await fb.exec('DELETE FROM TB_ESTOQUE WHERE ID_ESTOQUE BETWEEN 50001 AND 50010');
      // Every key of 40,001..60,000 but each seventh: dense enough for range reads.
      const keys = ids(40_001, 60_000).filter((id) => id % 7 !== 0).map((id) => [id]);
      const writes = await watchWrites(my, 'TB_ESTOQUE');
      const report = await syncTable({ from: fb.uri, to: my.uri, table: 'TB_ESTOQUE', keys, delete: true, pageSize: 5000 });
      const gone = ids(50_001, 50_010).filter((id) => id % 7 !== 0).length;
      expect(report).to.include({ read: keys.length - gone, updated: keys.length - gone, deleted: gone, inserted: 0 });
      expect(await writes()).to.include({ updates: keys.length - gone, deletes: gone });
      const edited = (await my.rows("SELECT ID_ESTOQUE FROM TB_ESTOQUE WHERE DESCRICAO = 'edited'")).map(([id]) => Number(id));
      // Unlisted rows stay edited, the two unlisted keys the source lost among them.
      expect(edited).to.have.length(40_000 - keys.length);
      expect(edited.filter((id) => id >= 40_001 && id <= 60_000).every((id) => id % 7 === 0)).to.equal(true);
    });
  });
});
